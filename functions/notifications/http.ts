import { notificationRoutes } from '#shared/notifications/routes.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { httpApi } from '#shared/platform/http/http-api.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'

export const createHandler = (deps: AppDeps) => httpApi('notifications-api', notificationRoutes, deps)

export const handler = lambdaHandler('notifications-api', createHandler)
