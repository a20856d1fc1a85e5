// Reassigning a planned visit to another officer, with a reason. One already due starts its ladder again for the
// officer who takes it over, as for a visit planned late.
import type * as z from 'zod'
import type { Actor } from '../../access/rules/roles.ts'
import { auditSubject, auditTransaction } from '../../platform/audit.ts'
import type { AppDeps } from '../../platform/deps.ts'
import type { reassignInput } from '../inputs.ts'
import { visitPorts } from '../ports.ts'
import type { Offset } from '../rules/cadence.ts'
import { catchUpDue } from '../rules/plan.ts'
import { requireAssignable, requirePlanned } from '../rules/visit-access.ts'
import { officerOf } from '../store/people.ts'
import { saveVisits } from '../store/visits.ts'
import { commitVisitChange } from '../store/writes.ts'
import { loadVisit, visitNow } from './get-visit.ts'
import { moveDueDate } from './move-due-date.ts'

export const reassignVisit = async (
  deps: AppDeps,
  actor: Actor,
  visitId: string,
  input: z.infer<typeof reassignInput>,
  /** A hand-over may go to the officer of an enclosing unit, outside the caller's own region. */
  options: { handOver?: boolean } = {},
) => {
  const { store, clock } = deps
  const visit = await loadVisit(deps, actor, visitId)
  requirePlanned(visit)
  const officer = requireAssignable(
    actor,
    visit,
    input.officerId,
    await officerOf(store, input.officerId),
    options.handOver ?? false,
  )
  const now = clock.now()
  const assignment = { officerId: officer.officerId, unitId: officer.unitId }
  const audit = (after: Record<string, unknown>) =>
    auditTransaction(store, {
      subject: auditSubject('visit', visitId),
      actor: actor.id,
      action: 'visit.reassigned',
      regionCode: visit.regionCode,
      at: now,
      before: {
        officerId: visit.officerId,
        unitId: visit.unitId,
        dueDate: visit.dueDate,
        version: visit.version,
      },
      after: { ...assignment, version: visit.version + 1, reason: input.reason, ...after },
    })
  if (visit.dueAt <= now.toISOString()) {
    // Already due: the ladder starts again for the officer who takes it over, as for a visit planned late.
    const due = catchUpDue(visit.offset as Offset, now, await visitPorts(deps).calendar())
    await moveDueDate(deps, visit, due, assignment, [audit({ dueDate: due.dueDate, ladderRestarted: true })])
  } else {
    await commitVisitChange(visitId, [
      ...saveVisits(store, { changed: [{ visit, change: assignment }] }),
      audit({}),
    ])
  }
  return visitNow(deps, actor, visitId)
}
