import { crypto } from '#shared/platform/aws/crypto.ts'
import { queues } from '#shared/platform/aws/queues.ts'
import { table } from '#shared/platform/aws/table.ts'
import { sqsConsumer } from '#shared/platform/batch.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'
import { fireTimer } from '#shared/scheduling/fire-timer.ts'
import { timerMessageSchema } from '#shared/scheduling/rules/messages.ts'

export const createHandler = (deps: AppDeps) =>
  sqsConsumer(timerMessageSchema, (message) => fireTimer(deps, message), deps.logger)

export const handler = lambdaHandler('timer-consumer', { table, queues, crypto }, createHandler)
