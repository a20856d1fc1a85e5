// `PUT /admin/petitioners/{petitionerId}`: updates name, phone and unit (and locale when given) of a petitioner of
// the caller's scope (404 otherwise), on the condition that it is still where it was read.
import type * as z from 'zod'
import { requireInScopeOrNotFound } from '../../access/rules/object-scope.ts'
import type { Actor } from '../../access/rules/roles.ts'
import { auditSubject } from '../../platform/audit.ts'
import { sealPhone, withoutCipher } from '../../platform/crypto/personal-data.ts'
import type { DirectoryDeps } from '../ports.ts'
import { petitionerKept } from '../rules/replacement.ts'
import type { petitionerReplacement } from '../rules/schemas.ts'
import { phoneView } from '../rules/views.ts'
import { petitionerById, savePetitionerChanges } from '../store.ts'
import { replaceRefused, requireSameId, unitInScope } from './common.ts'

export const replacePetitioner = async (
  deps: DirectoryDeps,
  actor: Actor,
  petitionerId: string,
  body: z.infer<typeof petitionerReplacement>,
) => {
  const { store, clock } = deps
  requireSameId('petitionerId', petitionerId, body.petitionerId)
  const before = requireInScopeOrNotFound(
    actor,
    await petitionerById(store, petitionerId, { consistent: true }),
    `petitioner ${petitionerId}`,
  )
  const unit = await unitInScope(deps, actor, body.unitId, 'unitId')
  const changes = {
    name: body.name,
    ...(await sealPhone(deps.crypto, 'Petitioner', petitionerId, body.phone)),
    unitId: unit.unitId,
    regionCode: unit.regionCode,
    ...petitionerKept(before, body),
  }
  const after = { ...before, ...changes }
  await replaceRefused(
    savePetitionerChanges(store, petitionerId, changes, before, {
      subject: auditSubject('petitioner', petitionerId),
      actor: actor.id,
      action: 'petitioner.replaced',
      regionCode: unit.regionCode,
      at: clock.now(),
      before: withoutCipher(before),
      after: withoutCipher(after),
    }),
    `petitioner ${petitionerId}`,
  )
  return phoneView(after)
}
