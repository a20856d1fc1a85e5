import { calendarRoutes } from '#shared/calendar/routes.ts'
import { cadencePolicyRoutes, directoryRoutes } from '#shared/directory/routes.ts'
import { crypto } from '#shared/platform/aws/crypto.ts'
import { queues } from '#shared/platform/aws/queues.ts'
import { signIns } from '#shared/platform/aws/sign-ins.ts'
import { table } from '#shared/platform/aws/table.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { httpApi } from '#shared/platform/http/http-api.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'

export const createHandler = (deps: AppDeps) =>
  httpApi('directory-api', [...directoryRoutes, ...calendarRoutes, ...cadencePolicyRoutes], deps)

export const handler = lambdaHandler('directory-api', { table, queues, crypto, signIns }, createHandler)
