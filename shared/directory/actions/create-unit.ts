// `POST /admin/units`: a new unit; 409 if the id exists, here or elsewhere.
import type * as z from 'zod'
import { type Actor, requireRegion } from '../../access/rules/roles.ts'
import { auditSubject } from '../../platform/audit.ts'
import type { DirectoryDeps } from '../ports.ts'
import { takenError } from '../rules/refusals.ts'
import type { unitInput } from '../rules/schemas.ts'
import { saveNewUnit, unitById } from '../store.ts'
import { checkParent, createRefused } from './common.ts'

export const createUnit = async (deps: DirectoryDeps, actor: Actor, input: z.infer<typeof unitInput>) => {
  const { store, clock } = deps
  requireRegion(actor, input.regionCode)
  await checkParent(deps, actor, input)
  const before = await unitById(store, input.unitId, { consistent: true })
  if (before) throw takenError(actor, 'unitId', input.unitId, '/admin/units', before)
  await createRefused(
    saveNewUnit(store, input, {
      subject: auditSubject('unit', input.unitId),
      actor: actor.id,
      action: 'unit.created',
      regionCode: input.regionCode,
      at: clock.now(),
      after: input,
    }),
    () => unitById(store, input.unitId, { consistent: true }),
    (existing) => takenError(actor, 'unitId', input.unitId, '/admin/units', existing),
  )
  return input
}
