// `POST /admin/petitioners`: a new petitioner; 409 if the id exists.
import type * as z from 'zod'
import type { Actor } from '../../access/rules/roles.ts'
import { auditSubject } from '../../platform/audit.ts'
import { sealPhone, withoutCipher } from '../../platform/crypto/personal-data.ts'
import type { DirectoryDeps } from '../ports.ts'
import { takenError } from '../rules/refusals.ts'
import type { petitionerInput } from '../rules/schemas.ts'
import { phoneView } from '../rules/views.ts'
import { petitionerById, saveNewPetitioner } from '../store.ts'
import { createRefused, unitInScope } from './common.ts'

export const createPetitioner = async (
  deps: DirectoryDeps,
  actor: Actor,
  input: z.infer<typeof petitionerInput>,
) => {
  const { store, clock } = deps
  const unit = await unitInScope(deps, actor, input.unitId, 'unitId')
  const before = await petitionerById(store, input.petitionerId, { consistent: true })
  if (before) throw takenError(actor, 'petitionerId', input.petitionerId, '/admin/petitioners', before)
  const { phone, ...rest } = input
  const petitioner = {
    ...rest,
    ...(await sealPhone(deps.crypto, 'Petitioner', input.petitionerId, phone)),
    regionCode: unit.regionCode,
  }
  await createRefused(
    saveNewPetitioner(store, petitioner, {
      subject: auditSubject('petitioner', input.petitionerId),
      actor: actor.id,
      action: 'petitioner.created',
      regionCode: unit.regionCode,
      at: clock.now(),
      after: withoutCipher(petitioner),
    }),
    () => petitionerById(store, input.petitionerId, { consistent: true }),
    (existing) => takenError(actor, 'petitionerId', input.petitionerId, '/admin/petitioners', existing),
  )
  return phoneView(petitioner)
}
