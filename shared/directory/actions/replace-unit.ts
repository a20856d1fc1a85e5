// `PUT /admin/units/{unitId}`: the unit as given replaces the one of the caller's scope (404 for one that does not
// exist or is elsewhere). A unit keeps its region.
import type * as z from 'zod'
import { requireInScopeOrNotFound } from '../../access/rules/object-scope.ts'
import { type Actor, requireRegion } from '../../access/rules/roles.ts'
import { auditSubject } from '../../platform/audit.ts'
import { ConflictError } from '../../platform/errors.ts'
import type { DirectoryDeps } from '../ports.ts'
import type { unitReplacement } from '../rules/schemas.ts'
import { regionMoveRefusal } from '../rules/units.ts'
import { saveUnit, unitById } from '../store.ts'
import { checkParent, replaceRefused, requireSameId } from './common.ts'

export const replaceUnit = async (
  deps: DirectoryDeps,
  actor: Actor,
  unitId: string,
  body: z.infer<typeof unitReplacement>,
) => {
  const { store, clock } = deps
  requireSameId('unitId', unitId, body.unitId)
  const input = { ...body, unitId }
  const before = requireInScopeOrNotFound(
    actor,
    await unitById(store, unitId, { consistent: true }),
    `unit ${unitId}`,
  )
  requireRegion(actor, input.regionCode)
  const moved = regionMoveRefusal(unitId, before, input.regionCode)
  if (moved) throw new ConflictError(moved)
  await checkParent(deps, actor, input)
  await replaceRefused(
    saveUnit(store, input, before, {
      subject: auditSubject('unit', unitId),
      actor: actor.id,
      action: 'unit.replaced',
      regionCode: input.regionCode,
      at: clock.now(),
      before,
      after: input,
    }),
    `unit ${unitId}`,
  )
  return input
}
