import { auditTrail } from '#shared/platform/audit.ts'
import { crypto } from '#shared/platform/aws/crypto.ts'
import { queues } from '#shared/platform/aws/queues.ts'
import { table } from '#shared/platform/aws/table.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { httpApi, route } from '#shared/platform/http/http-api.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'
import { outcomeInput } from '#shared/visits/rules/outcome.ts'
import {
  accountabilityLedger,
  monthlySummaryCsv,
  monthQuery,
  regionBoard,
  worklist,
  worklistQuery,
} from '#shared/visits/visit-views.ts'
import {
  appointmentInput,
  cancelInput,
  cancelVisit,
  closeRemainingInput,
  closeRemainingVisits,
  getVisit,
  leaveInput,
  officerLeaves,
  reassignInput,
  reassignVisit,
  recordOutcome,
  rescheduleInput,
  rescheduleVisit,
  setAppointment,
} from '#shared/visits/visits.ts'

const ok = (body: unknown) => ({ statusCode: 200, body })

export const createHandler = (deps: AppDeps) =>
  httpApi(
    'visits-api',
    {
      'GET /visits/{visitId}': route({
        run: async ({ actor, params }) => ok(await getVisit(deps, actor, params.visitId ?? '')),
      }),
      'POST /visits/{visitId}/outcome': route({
        body: outcomeInput,
        run: async ({ actor, params, body }) =>
          ok(await recordOutcome(deps, actor, params.visitId ?? '', body)),
      }),
      'POST /visits/{visitId}/reassign': route({
        body: reassignInput,
        run: async ({ actor, params, body }) =>
          ok(await reassignVisit(deps, actor, params.visitId ?? '', body)),
      }),
      'POST /visits/{visitId}/cancel': route({
        body: cancelInput,
        run: async ({ actor, params, body }) =>
          ok(await cancelVisit(deps, actor, params.visitId ?? '', body)),
      }),
      'POST /visits/{visitId}/reschedule': route({
        body: rescheduleInput,
        run: async ({ actor, params, body }) =>
          ok(await rescheduleVisit(deps, actor, params.visitId ?? '', body)),
      }),
      'POST /visits/{visitId}/appointment': route({
        body: appointmentInput,
        run: async ({ actor, params, body }) =>
          ok(await setAppointment(deps, actor, params.visitId ?? '', body)),
      }),
      'POST /officers/{officerId}/leave': route({
        body: leaveInput,
        run: async ({ actor, params, body }) =>
          ok(await officerLeaves(deps, actor, params.officerId ?? '', body)),
      }),
      'POST /cases/{caseId}/visits/close-remaining': route({
        body: closeRemainingInput,
        run: async ({ actor, params, body }) =>
          ok(await closeRemainingVisits(deps, actor, params.caseId ?? '', body)),
      }),
      'GET /audit/{subjectType}/{subjectId}': route({
        run: async ({ actor, params }) =>
          ok(await auditTrail(deps, actor, params.subjectType ?? '', params.subjectId ?? '')),
      }),
      'GET /officers/{officerId}/worklist': route({
        query: worklistQuery,
        run: async ({ actor, params, query }) =>
          ok(await worklist(deps, actor, params.officerId ?? '', query)),
      }),
      'GET /regions/{regionCode}/board': route({
        query: monthQuery,
        run: async ({ actor, params, query }) =>
          ok(await regionBoard(deps, actor, params.regionCode ?? '', query)),
      }),
      'GET /regions/{regionCode}/accountability': route({
        query: monthQuery,
        run: async ({ actor, params, query }) =>
          ok(await accountabilityLedger(deps, actor, params.regionCode ?? '', query)),
      }),
      'GET /regions/{regionCode}/reports/monthly': route({
        query: monthQuery,
        run: async ({ actor, params, query }) => {
          const { csv, filename } = await monthlySummaryCsv(deps, actor, params.regionCode ?? '', query)
          return {
            statusCode: 200,
            text: { body: csv, contentType: 'text/csv; charset=utf-8' },
            headers: { 'content-disposition': `attachment; filename="${filename}"` },
          }
        },
      }),
    },
    deps,
  )

export const handler = lambdaHandler('visits-api', { table, queues, crypto }, createHandler)
