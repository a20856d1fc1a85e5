// `POST /admin/officers`: a new staff record, with no open visits and no sign-in; 409 if the id exists.
import type * as z from 'zod'
import type { Actor } from '../../access/rules/roles.ts'
import { auditSubject } from '../../platform/audit.ts'
import { sealPhone, withoutCipher } from '../../platform/crypto/personal-data.ts'
import type { DirectoryDeps } from '../ports.ts'
import { takenError } from '../rules/refusals.ts'
import type { officerInput } from '../rules/schemas.ts'
import { phoneView } from '../rules/views.ts'
import { officerById, saveNewOfficer } from '../store.ts'
import { createRefused, unitInScope } from './common.ts'

export const createOfficer = async (
  deps: DirectoryDeps,
  actor: Actor,
  input: z.infer<typeof officerInput>,
) => {
  const { store, clock } = deps
  const unit = await unitInScope(deps, actor, input.unitId, 'unitId')
  const before = await officerById(store, input.officerId, { consistent: true })
  if (before) throw takenError(actor, 'officerId', input.officerId, '/admin/officers', before)
  const { phone, ...rest } = input
  const officer = {
    ...rest,
    ...(await sealPhone(deps.crypto, 'Officer', input.officerId, phone)),
    regionCode: unit.regionCode,
    openVisits: 0,
  }
  await createRefused(
    saveNewOfficer(store, officer, {
      subject: auditSubject('officer', input.officerId),
      actor: actor.id,
      action: 'officer.created',
      regionCode: unit.regionCode,
      at: clock.now(),
      after: withoutCipher(officer),
    }),
    () => officerById(store, input.officerId, { consistent: true }),
    (existing) => takenError(actor, 'officerId', input.officerId, '/admin/officers', existing),
  )
  return phoneView(officer)
}
