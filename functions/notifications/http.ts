import { notificationRoutes } from '#shared/notifications/routes.ts'
import { crypto } from '#shared/platform/aws/crypto.ts'
import { inboundSmsSecret } from '#shared/platform/aws/inbound-sms-secret.ts'
import { queues } from '#shared/platform/aws/queues.ts'
import { table } from '#shared/platform/aws/table.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { httpApi } from '#shared/platform/http/http-api.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'

export const createHandler = (deps: AppDeps) => httpApi('notifications-api', notificationRoutes, deps)

export const handler = lambdaHandler(
  'notifications-api',
  { table, queues, crypto, inboundSmsSecret },
  createHandler,
)
