// The visits' routes: a visit read and worked on (outcome, hand-over, cancellation, a new date, an appointment), an
// officer's worklist and leaving, the stop rule, a region's board, ledger and monthly report, and the audit trail.
import * as z from 'zod'
import { accountabilityLedger } from '../accountability/actions/ledger-of-month.ts'
import { notificationStatuses } from '../notifications/rules/delivery.ts'
import { auditTrail } from '../platform/audit.ts'
import { defineRoute, reply } from '../platform/http/route.ts'
import { nextCursorField, pageQuery } from '../platform/pages.ts'
import { cancelVisit } from './actions/cancel.ts'
import { closeRemainingVisits } from './actions/close-remaining.ts'
import { getVisit } from './actions/get-visit.ts'
import { monthlySummaryCsv } from './actions/monthly-report.ts'
import { officerLeaves } from './actions/officer-leaves.ts'
import { reassignVisit } from './actions/reassign.ts'
import { recordOutcome } from './actions/record-outcome.ts'
import { regionBoard } from './actions/region-board.ts'
import { rescheduleVisit } from './actions/reschedule.ts'
import { setAppointment } from './actions/set-appointment.ts'
import { worklist } from './actions/worklist.ts'
import {
  appointmentInput,
  cancelInput,
  closeRemainingInput,
  leaveInput,
  reassignInput,
  rescheduleInput,
} from './inputs.ts'
import { monthPageQuery, monthQuery } from './rules/board.ts'
import { outcomeInput } from './rules/outcome.ts'
import { worklistQuery } from './rules/worklist.ts'

const staff = ['officer', 'supervisor', 'committee', 'admin'] as const
const form = outcomeInput.shape

/** The outcome as recorded: notes and hardship only for those who may read them, `hardshipObserved` for others. */
const outcomeView = z.object({
  reached: z.boolean(),
  notReachedReason: form.notReachedReason,
  method: form.method,
  satisfaction: form.satisfaction,
  problemsFound: z.array(z.string()),
  handlingDeficiencies: z.array(z.string()),
  newDemands: z.array(z.string()),
  repeatPetitionRisk: form.repeatPetitionRisk,
  submissionId: z.string().optional(),
  notes: z.string().optional(),
  hardship: z.object({ observed: z.literal(true), reason: z.string() }).optional(),
  hardshipObserved: z.boolean().optional(),
})

const notificationStatus = z.enum(notificationStatuses)

/**
 * A visit as callers see it (rules/views.ts): not the record's version, the offset and reminder rules it was planned
 * with, its reminder count or the appointment SMS's id; the policy that planned it is named.
 */
const visitView = z.object({
  visitId: z.string(),
  matterId: z.string(),
  petitionerId: z.string(),
  officerId: z.string(),
  unitId: z.string(),
  regionCode: z.string(),
  trigger: z.string(),
  triggerEventId: z.string(),
  triggeredAt: z.string().describe('when what the due date is counted from happened'),
  policyRegion: z
    .string()
    .optional()
    .describe('the region whose cadence policy planned the visit, or `default`'),
  policyVersion: z.number().int().optional().describe('the version of that policy (0: the built-in one)'),
  sequence: z.number().int(),
  dueDate: z.string(),
  dueAt: z.string(),
  provisional: z.boolean(),
  status: z.enum(['planned', 'completed', 'cancelled']),
  kind: z.enum(['scheduled', 'extra']),
  plannedAt: z.string(),
  completedAt: z.string().optional(),
  completedOnTime: z.boolean().optional(),
  outcome: outcomeView.optional(),
  unreached: z.array(
    z.object({
      at: z.string(),
      method: z.string(),
      reason: z.string(),
      by: z.string(),
      submissionId: z.string().optional(),
      notes: z.string().optional(),
      hardship: z.object({ observed: z.literal(true), reason: z.string() }).optional(),
    }),
  ),
  appointmentAt: z.string().optional(),
  cancelReason: z.string().optional(),
  sms: z.array(
    z.object({
      notificationId: z.string(),
      to: z.enum(['officer', 'petitioner']),
      template: z.string(),
      status: notificationStatus,
      createdAt: z.string(),
      sentAt: z.string().optional(),
      detail: z.string().optional(),
    }),
  ),
})

const officerFigures = z.object({
  officerId: z.string(),
  unitId: z.string(),
  due: z.number().int(),
  completed: z.number().int(),
  onTime: z.number().int(),
  overdueOpen: z.number().int(),
  reached: z.number().int(),
  attempts: z.number().int(),
  satisfied: z.number().int(),
  accountability: z.number().int(),
})

/** A percentage to one decimal, or null when there is nothing to count. */
const rate = z.number().nullable()

export const visitRoutes = [
  defineRoute({
    method: 'GET',
    path: '/visits/{visitId}',
    function: 'visits-api',
    roles: staff,
    summary: 'Read a return visit',
    response: visitView,
    run: ({ deps, actor, params }) => getVisit(deps, actor, params.visitId),
  }),
  defineRoute({
    method: 'POST',
    path: '/visits/{visitId}/outcome',
    function: 'visits-api',
    roles: ['officer', 'supervisor'],
    summary: 'Record the outcome of a return visit',
    body: outcomeInput,
    response: visitView.extend({
      flags: z.array(z.enum(['dissatisfied', 'high-risk', 'not-reached'])),
      extraVisitId: z.string().optional(),
      nominated: z.boolean(),
    }),
    conflict: true,
    run: ({ deps, actor, params, body }) => recordOutcome(deps, actor, params.visitId, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/visits/{visitId}/reassign',
    function: 'visits-api',
    roles: ['supervisor', 'admin'],
    summary: 'Give a visit to another officer, with a reason',
    body: reassignInput,
    response: visitView,
    conflict: true,
    run: ({ deps, actor, params, body }) => reassignVisit(deps, actor, params.visitId, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/visits/{visitId}/cancel',
    function: 'visits-api',
    roles: ['supervisor', 'admin'],
    summary: 'Cancel a planned visit, with a reason',
    body: cancelInput,
    response: visitView,
    conflict: true,
    run: ({ deps, actor, params, body }) => cancelVisit(deps, actor, params.visitId, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/visits/{visitId}/reschedule',
    function: 'visits-api',
    roles: ['officer', 'supervisor'],
    summary: 'Move a planned visit to another working day, with a reason; its reminders and ladder move too',
    body: rescheduleInput,
    response: visitView,
    conflict: true,
    run: ({ deps, actor, params, body }) => rescheduleVisit(deps, actor, params.visitId, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/visits/{visitId}/appointment',
    function: 'visits-api',
    roles: ['officer', 'supervisor'],
    summary: 'Set an appointment; the petitioner gets an SMS with the time and the officer',
    body: appointmentInput,
    response: visitView,
    conflict: true,
    run: ({ deps, actor, params, body }) => setAppointment(deps, actor, params.visitId, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/officers/{officerId}/leave',
    function: 'visits-api',
    roles: ['supervisor', 'admin'],
    summary: 'An officer leaves: every open visit is handed over',
    body: leaveInput,
    response: z.object({
      officerId: z.string(),
      active: z.boolean(),
      handedOver: z.record(z.string(), z.string()).describe('each open visit, and the officer it went to'),
    }),
    conflict: true,
    run: ({ deps, actor, params, body }) => officerLeaves(deps, actor, params.officerId, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/matters/{matterId}/visits/close-remaining',
    function: 'visits-api',
    roles: ['supervisor'],
    summary: 'Stop rule: after two consecutive satisfied visits, close the remaining planned ones',
    body: closeRemainingInput,
    response: z.object({ matterId: z.string(), closed: z.array(z.string()) }),
    conflict: true,
    run: ({ deps, actor, params, body }) => closeRemainingVisits(deps, actor, params.matterId, body),
  }),
  defineRoute({
    method: 'GET',
    path: '/audit/{subjectType}/{subjectId}',
    function: 'visits-api',
    roles: ['supervisor', 'admin'],
    summary:
      'The audit trail of a visit, matter, officer, petitioner or unit: who changed what, when, before and after ' +
      '(oldest first, a page at a time)',
    query: pageQuery,
    response: z.object({
      subjectType: z.string(),
      subjectId: z.string(),
      entries: z.array(
        z.object({
          at: z.string(),
          actor: z.string(),
          action: z.string(),
          regionCode: z.string(),
          before: z.record(z.string(), z.unknown()).optional().describe('what the change found'),
          after: z.record(z.string(), z.unknown()).optional().describe('what it left'),
        }),
      ),
      nextCursor: nextCursorField,
    }),
    run: ({ deps, actor, params, query }) =>
      auditTrail(deps, actor, params.subjectType, params.subjectId, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/officers/{officerId}/worklist',
    function: 'visits-api',
    roles: ['officer', 'supervisor', 'admin'],
    summary: "An officer's open visits: overdue, due today, this week, later (paginated, stable order)",
    query: worklistQuery,
    response: z.object({
      officerId: z.string(),
      today: z.string(),
      visits: z.array(
        z.object({
          visitId: z.string(),
          matterId: z.string(),
          petitionerId: z.string(),
          sequence: z.number().int(),
          kind: z.enum(['scheduled', 'extra']),
          dueDate: z.string(),
          provisional: z.boolean(),
          appointmentAt: z.string().optional(),
          category: z.enum(['overdue', 'due-today', 'this-week', 'later']),
        }),
      ),
      nextCursor: z
        .string()
        .optional()
        .describe('the next page: send it back as `cursor`; absent on the last'),
    }),
    run: ({ deps, actor, params, query }) => worklist(deps, actor, params.officerId, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/regions/{regionCode}/board',
    function: 'visits-api',
    roles: ['supervisor', 'admin', 'committee'],
    summary:
      "A region's board for a month: overdue by officer and unit, on-time, reach and satisfaction rates, risks " +
      '(the figures over the whole month; its flags a page at a time)',
    query: monthPageQuery,
    response: z.object({
      regionCode: z.string(),
      month: z.string(),
      overdueByOfficer: z.record(z.string(), z.number().int()),
      overdueByUnit: z.record(z.string(), z.number().int()),
      onTimeCompletionRate: rate,
      reachRate: rate,
      satisfactionRate: rate,
      highRiskPetitioners: z.array(z.string()),
      flags: z.array(
        z.object({ kind: z.string(), visitId: z.string(), officerId: z.string(), raisedAt: z.string() }),
      ),
      officers: z.array(officerFigures),
      nextCursor: nextCursorField.describe(
        'the next page of `flags`: send it back as `cursor`; absent on the last',
      ),
    }),
    run: ({ deps, actor, params, query }) => regionBoard(deps, actor, params.regionCode, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/regions/{regionCode}/accountability',
    function: 'visits-api',
    roles: ['supervisor', 'admin'],
    summary:
      "A region's accountability ledger for a month (a page at a time, by region code, then oldest first)",
    query: monthPageQuery,
    response: z.object({
      regionCode: z.string(),
      month: z.string(),
      entries: z.array(
        z.object({
          entryId: z.string(),
          kind: z.enum(['overdue', 'completed-late', 'moved-while-overdue']),
          visitId: z.string(),
          matterId: z.string(),
          officerId: z.string(),
          unitId: z.string(),
          regionCode: z.string(),
          dueDate: z.string(),
          recordedAt: z.string(),
          detail: z.string(),
        }),
      ),
      nextCursor: nextCursorField,
    }),
    run: ({ deps, actor, params, query }) => accountabilityLedger(deps, actor, params.regionCode, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/regions/{regionCode}/reports/monthly',
    function: 'visits-api',
    roles: ['supervisor', 'admin'],
    summary: 'The monthly summary as CSV (UTF-8 with BOM, CRLF), one row per officer',
    query: monthQuery,
    response: z.string(),
    mediaType: 'text/csv',
    run: async ({ deps, actor, params, query }) => {
      const { csv, filename } = await monthlySummaryCsv(deps, actor, params.regionCode, query)
      return reply(200, csv, { 'content-disposition': `attachment; filename="${filename}"` })
    },
  }),
] as const
