import { matterRoutes } from '#shared/matters/routes.ts'
import { table } from '#shared/platform/aws/table.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { httpApi } from '#shared/platform/http/http-api.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'

export const createHandler = (deps: AppDeps) => httpApi('matters-api', matterRoutes, deps)

export const handler = lambdaHandler('matters-api', { table }, createHandler)
