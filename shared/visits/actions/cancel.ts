// Cancelling a planned visit, always with a reason: it leaves its officer's open visits and its timers stop.
import type * as z from 'zod'
import type { Actor } from '../../access/rules/roles.ts'
import { auditSubject, auditTransaction } from '../../platform/audit.ts'
import type { AppDeps } from '../../platform/deps.ts'
import type { cancelInput } from '../inputs.ts'
import { visitPorts } from '../ports.ts'
import { timerIdsOfVisit } from '../rules/ids.ts'
import { requirePlanned } from '../rules/visit-access.ts'
import { saveVisits } from '../store/visits.ts'
import { commitVisitChange } from '../store/writes.ts'
import { loadVisit, visitNow } from './get-visit.ts'

export const cancelVisit = async (
  deps: AppDeps,
  actor: Actor,
  visitId: string,
  input: z.infer<typeof cancelInput>,
) => {
  const { store, clock } = deps
  const visit = await loadVisit(deps, actor, visitId)
  requirePlanned(visit)
  const now = clock.now()
  await commitVisitChange(visitId, [
    ...saveVisits(store, {
      changed: [{ visit, change: { status: 'cancelled', cancelReason: input.reason } }],
    }),
    auditTransaction(store, {
      subject: auditSubject('visit', visitId),
      actor: actor.id,
      action: 'visit.cancelled',
      regionCode: visit.regionCode,
      at: now,
      before: { status: visit.status, version: visit.version },
      after: { status: 'cancelled', version: visit.version + 1, reason: input.reason },
    }),
  ])
  await visitPorts(deps).cancelTimers(timerIdsOfVisit(visit))
  return visitNow(deps, actor, visitId)
}
