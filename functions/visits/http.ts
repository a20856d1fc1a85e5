import { auditTrail } from '#shared/platform/audit.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { httpApi, route } from '#shared/platform/http/http-api.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'
import { cancelVisit } from '#shared/visits/actions/cancel.ts'
import { closeRemainingVisits } from '#shared/visits/actions/close-remaining.ts'
import { getVisit } from '#shared/visits/actions/get-visit.ts'
import { officerLeaves } from '#shared/visits/actions/officer-leaves.ts'
import { reassignVisit } from '#shared/visits/actions/reassign.ts'
import { recordOutcome } from '#shared/visits/actions/record-outcome.ts'
import { rescheduleVisit } from '#shared/visits/actions/reschedule.ts'
import { setAppointment } from '#shared/visits/actions/set-appointment.ts'
import {
  appointmentInput,
  cancelInput,
  closeRemainingInput,
  leaveInput,
  reassignInput,
  rescheduleInput,
} from '#shared/visits/inputs.ts'
import { outcomeInput } from '#shared/visits/rules/outcome.ts'
import {
  accountabilityLedger,
  monthlySummaryCsv,
  monthQuery,
  regionBoard,
  worklist,
  worklistQuery,
} from '#shared/visits/visit-views.ts'

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

export const handler = lambdaHandler('visits-api', createHandler)
