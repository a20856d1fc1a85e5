// Moving a visit's due date, with a reason. An overdue one only by a supervisor: each such move is flagged on the
// board and written on the accountability ledger.
import type * as z from 'zod'
import type { Actor } from '../../access/rules/roles.ts'
import { movedWhileOverdueEntry } from '../../accountability/store.ts'
import { shanghaiInstant } from '../../calendar/rules/business-time.ts'
import { auditSubject, auditTransaction } from '../../platform/audit.ts'
import type { AppDeps } from '../../platform/deps.ts'
import type { rescheduleInput } from '../inputs.ts'
import { visitPorts } from '../ports.ts'
import { flagOf } from '../rules/flags.ts'
import { checkReschedule, moveDetail } from '../rules/reschedule.ts'
import { requireAssigned, requirePlanned } from '../rules/visit-access.ts'
import { flagWrite } from '../store/records.ts'
import { loadVisit, visitNow } from './get-visit.ts'
import { moveDueDate } from './move-due-date.ts'

export const rescheduleVisit = async (
  deps: AppDeps,
  actor: Actor,
  visitId: string,
  input: z.infer<typeof rescheduleInput>,
) => {
  const { store, clock } = deps
  const visit = await loadVisit(deps, actor, visitId)
  requireAssigned(actor, visit)
  requirePlanned(visit)
  const now = clock.now()
  const { overdue } = checkReschedule(actor, visit, input.dueDate, now, await visitPorts(deps).calendar())
  const detail = moveDetail(visit.dueDate, input.dueDate, actor.id, input.reason)
  const onRecord = overdue
    ? [
        flagWrite(store, flagOf(visit, 'moved-while-overdue', now, detail)),
        movedWhileOverdueEntry(store, visit, now, detail),
      ]
    : []
  await moveDueDate(
    deps,
    visit,
    { dueDate: input.dueDate, dueAt: shanghaiInstant(input.dueDate, '09:00') },
    {},
    [
      ...onRecord,
      auditTransaction(store, {
        subject: auditSubject('visit', visitId),
        actor: actor.id,
        action: 'visit.rescheduled',
        regionCode: visit.regionCode,
        at: now,
        before: { dueDate: visit.dueDate, provisional: visit.provisional, version: visit.version },
        after: { dueDate: input.dueDate, version: visit.version + 1, reason: input.reason, overdue },
      }),
    ],
  )
  return visitNow(deps, actor, visitId)
}
