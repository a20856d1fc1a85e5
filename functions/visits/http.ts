import { crypto } from '#shared/platform/aws/crypto.ts'
import { queues } from '#shared/platform/aws/queues.ts'
import { table } from '#shared/platform/aws/table.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { httpApi } from '#shared/platform/http/http-api.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'
import { visitRoutes } from '#shared/visits/routes.ts'

export const createHandler = (deps: AppDeps) => httpApi('visits-api', visitRoutes, deps)

export const handler = lambdaHandler('visits-api', { table, queues, crypto }, createHandler)
