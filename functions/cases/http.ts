import {
  caseEventInput,
  getCase,
  recordCaseEvent,
  registerCase,
  registerCaseInput,
} from '#shared/matters/matters.ts'
import { table } from '#shared/platform/aws/table.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { httpApi, route } from '#shared/platform/http/http-api.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'

export const createHandler = (deps: AppDeps) =>
  httpApi(
    'cases-api',
    {
      'POST /cases': route({
        body: registerCaseInput,
        run: async ({ actor, body }) => ({ statusCode: 201, body: await registerCase(deps, actor, body) }),
      }),
      'GET /cases/{caseId}': route({
        run: async ({ actor, params }) => ({
          statusCode: 200,
          body: await getCase(deps, actor, params.caseId ?? ''),
        }),
      }),
      'POST /cases/{caseId}/events': route({
        body: caseEventInput,
        run: async ({ actor, params, body }) => {
          const { event, replayed } = await recordCaseEvent(deps, actor, params.caseId ?? '', body)
          return { statusCode: replayed ? 200 : 201, body: event }
        },
      }),
    },
    deps,
  )

export const handler = lambdaHandler('cases-api', { table }, createHandler)
