import type { AppDeps } from '#shared/deps.ts'
import { notificationMessageSchema } from '#shared/domain/scheduling/messages.ts'
import { lambdaHandler } from '#shared/lambda.ts'
import { sqsConsumer } from '#shared/middleware/batch.ts'
import { dispatchNotification } from '#shared/use-cases/notify.ts'

export const createHandler = (deps: AppDeps) =>
  sqsConsumer(notificationMessageSchema, (message) => dispatchNotification(deps, message), deps.logger)

export const handler = lambdaHandler(createHandler)
