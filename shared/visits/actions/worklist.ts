// An officer's worklist: their open visits, due first, in pages that keep their order while visits are added or done.

import type * as z from 'zod'
import { requireInScopeOrNotFound } from '../../access/rules/object-scope.ts'
import type { Actor } from '../../access/rules/roles.ts'
import { businessDateOf } from '../../calendar/rules/business-time.ts'
import { openCursor, sealCursor } from '../../platform/cursor.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { ForbiddenError } from '../../platform/errors.ts'
import { cursorMac } from '../../platform/pages.ts'
import { categoryOf, type worklistQuery } from '../rules/worklist.ts'
import { officerOf } from '../store/people.ts'
import { openVisitsOfOfficer, openVisitsResumeKey } from '../store/visits.ts'

/** One officer's worklist: a cursor given out for it resumes it and no other. */
const worklistListing = (officerId: string) => `worklist/${officerId}`

export const worklist = async (
  deps: AppDeps,
  actor: Actor,
  officerId: string,
  query: z.infer<typeof worklistQuery>,
) => {
  const { store, clock } = deps
  // Refused before the officer is looked up: the 403 says nothing of whether that officer exists, or where.
  if (actor.role === 'officer' && actor.id !== officerId)
    throw new ForbiddenError('an officer sees only their own worklist')
  requireInScopeOrNotFound(actor, await officerOf(store, officerId), `officer ${officerId}`)
  // Checked after the scope: a caller who may not see this worklist learns nothing from a cursor's answer.
  const mac = cursorMac(deps)
  const startKey = openCursor(mac, worklistListing(officerId), query.cursor, openVisitsResumeKey(officerId))
  const { visits, next } = await openVisitsOfOfficer(store, officerId, { limit: query.limit, startKey })
  const today = businessDateOf(clock.now())
  return {
    officerId,
    today,
    visits: visits.map((v) => ({
      visitId: v.visitId,
      matterId: v.matterId,
      petitionerId: v.petitionerId,
      sequence: v.sequence,
      kind: v.kind,
      dueDate: v.dueDate,
      provisional: v.provisional,
      appointmentAt: v.appointmentAt,
      category: categoryOf(v.dueDate, today),
    })),
    nextCursor: sealCursor(mac, worklistListing(officerId), next),
  }
}
