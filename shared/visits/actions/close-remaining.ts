// The stop rule: after two consecutive satisfied visits the supervisor may close the remaining planned ones of the
// event, each cancelled with the rule named as its reason.
import type * as z from 'zod'
import { requireInScopeOrNotFound } from '../../access/rules/object-scope.ts'
import type { Actor } from '../../access/rules/roles.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { ConflictError } from '../../platform/errors.ts'
import type { closeRemainingInput } from '../inputs.ts'
import { inCadenceOrder, visitsToClose } from '../rules/stop-rule.ts'
import { visitsOfMatter } from '../store/visits.ts'
import { cancelVisit } from './cancel.ts'

export const closeRemainingVisits = async (
  deps: AppDeps,
  actor: Actor,
  matterId: string,
  input: z.infer<typeof closeRemainingInput>,
) => {
  const visits = inCadenceOrder(
    await visitsOfMatter(deps.store, matterId, { triggerEventId: input.triggerEventId }),
  )
  requireInScopeOrNotFound(actor, visits[0], `visits of event ${input.triggerEventId} on case ${matterId}`)
  const remaining = visitsToClose(visits)
  if (!remaining) {
    throw new ConflictError(
      'the last two completed visits are not both satisfied with a low or medium risk: the remaining visits stay planned',
    )
  }
  const closed = []
  for (const visit of remaining) {
    await cancelVisit(deps, actor, visit.visitId, { reason: `stop rule: ${input.reason}` })
    closed.push(visit.visitId)
  }
  return { matterId, closed }
}
