import type { AppDeps } from '#shared/platform/deps.ts'
import { httpApi } from '#shared/platform/http/http-api.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'
import { visitRoutes } from '#shared/visits/routes.ts'

export const createHandler = (deps: AppDeps) => httpApi('visits-api', visitRoutes, deps)

export const handler = lambdaHandler('visits-api', createHandler)
