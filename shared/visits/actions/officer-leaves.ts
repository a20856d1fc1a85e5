// An officer who leaves hands every open visit to the officer with the fewest of the nearest unit: none orphaned.
import type * as z from 'zod'
import { requireInScopeOrNotFound } from '../../access/rules/object-scope.ts'
import type { Actor } from '../../access/rules/roles.ts'
import { auditSubject, auditTransaction, isConditionRefusal } from '../../platform/audit.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { ConflictError } from '../../platform/errors.ts'
import type { leaveInput } from '../inputs.ts'
import { nearestStaff, officerLeftWrite, officerOf } from '../store/people.ts'
import { openVisitsOfOfficer } from '../store/visits.ts'
import { writeTogether } from '../store/writes.ts'
import { reassignVisit } from './reassign.ts'

export const officerLeaves = async (
  deps: AppDeps,
  actor: Actor,
  officerId: string,
  input: z.infer<typeof leaveInput>,
) => {
  const { store } = deps
  const leaver = requireInScopeOrNotFound(actor, await officerOf(store, officerId), `officer ${officerId}`)
  const { visits: open } = await openVisitsOfOfficer(store, officerId)
  const successors = await nearestStaff(store, leaver.unitId, 'officer', officerId)
  if (open.length > 0 && successors.length === 0) {
    throw new ConflictError(`no active officer can take over the ${open.length} open visits of ${officerId}`)
  }
  if (!leaver.active && open.length === 0) throw new ConflictError(`officer ${officerId} has already left`)
  // Marked inactive first, so that no new visit is assigned meanwhile; called again after a failure part-way, it
  // hands over what is still open.
  if (leaver.active) await markLeft(deps, actor, leaver, input.reason, open.length)
  const handedTo: Record<string, string> = {}
  for (const visit of open) {
    // Round robin over the successors by their current load.
    const [next] = await nearestStaff(store, leaver.unitId, 'officer', officerId)
    if (!next) throw new ConflictError(`no active officer can take over visit ${visit.visitId}`)
    await reassignVisit(
      deps,
      actor,
      visit.visitId,
      { officerId: next.officerId, reason: `${officerId} left: ${input.reason}` },
      { handOver: true },
    )
    handedTo[visit.visitId] = next.officerId
  }
  return { officerId, active: false, handedOver: handedTo }
}

const markLeft = async (
  { store, clock }: AppDeps,
  actor: Actor,
  leaver: { officerId: string; regionCode: string },
  reason: string,
  openVisits: number,
) => {
  const { officerId } = leaver
  await writeTogether([
    officerLeftWrite(store, officerId),
    auditTransaction(store, {
      subject: auditSubject('officer', officerId),
      actor: actor.id,
      action: 'officer.left',
      regionCode: leaver.regionCode,
      at: clock.now(),
      before: { active: true },
      after: { active: false, reason, openVisits },
    }),
  ]).catch((error: unknown) => {
    if (isConditionRefusal(error)) throw new ConflictError(`officer ${officerId} has already left`)
    throw error
  })
}
