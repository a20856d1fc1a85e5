import type { AppDeps } from '#shared/deps.ts'
import { lambdaHandler } from '#shared/lambda.ts'
import { httpApi, route } from '#shared/middleware/http-api.ts'
import { getVisit, outcomeInput, recordOutcome } from '#shared/use-cases/visits.ts'

export const createHandler = (deps: AppDeps) =>
  httpApi(
    'visits-api',
    {
      'GET /visits/{visitId}': route({
        run: async ({ actor, params }) => ({
          statusCode: 200,
          body: await getVisit(deps, actor, params.visitId ?? ''),
        }),
      }),
      'POST /visits/{visitId}/outcome': route({
        body: outcomeInput,
        run: async ({ actor, params, body }) => ({
          statusCode: 200,
          body: await recordOutcome(deps, actor, params.visitId ?? '', body),
        }),
      }),
    },
    deps.logger,
  )

export const handler = lambdaHandler(createHandler)
