import type { AppDeps } from '#shared/deps.ts'
import { timerMessageSchema } from '#shared/domain/scheduling/messages.ts'
import { lambdaHandler } from '#shared/lambda.ts'
import { sqsConsumer } from '#shared/middleware/batch.ts'
import { fireTimer } from '#shared/use-cases/fire-timer.ts'

export const createHandler = (deps: AppDeps) =>
  sqsConsumer(timerMessageSchema, (message) => fireTimer(deps, message), deps.logger)

export const handler = lambdaHandler('timer-consumer', createHandler)
