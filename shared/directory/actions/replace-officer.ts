// `PUT /admin/officers/{officerId}`: updates the fields the body gives (name, phone, unit; duty, locale and active
// only when given) of a record of the caller's scope (404 otherwise), on the condition that it is still where it
// was read and, when the person stops being an active officer, that no visit is open. It writes neither the open
// visits nor the sign-in, so that a visit planned or a sign-in linked meanwhile is kept; and a person who has left
// stays so unless the body says `"active": true`.
import type * as z from 'zod'
import { requireInScopeOrNotFound } from '../../access/rules/object-scope.ts'
import type { Actor } from '../../access/rules/roles.ts'
import { auditSubject } from '../../platform/audit.ts'
import { sealPhone, withoutCipher } from '../../platform/crypto/personal-data.ts'
import type { DirectoryDeps } from '../ports.ts'
import { openVisitsError } from '../rules/refusals.ts'
import { officerKept } from '../rules/replacement.ts'
import type { officerReplacement } from '../rules/schemas.ts'
import { phoneView } from '../rules/views.ts'
import { officerById, saveOfficerChanges } from '../store.ts'
import { replaceRefused, requireSameId, unitInScope } from './common.ts'

export const replaceOfficer = async (
  deps: DirectoryDeps,
  actor: Actor,
  officerId: string,
  body: z.infer<typeof officerReplacement>,
) => {
  const { store, clock } = deps
  requireSameId('officerId', officerId, body.officerId)
  const before = requireInScopeOrNotFound(
    actor,
    await officerById(store, officerId, { consistent: true }),
    `officer ${officerId}`,
  )
  const unit = await unitInScope(deps, actor, body.unitId, 'unitId')
  const { locale, duty, active, stopsOfficer } = officerKept(before, body)
  if (stopsOfficer && before.openVisits > 0) throw openVisitsError(officerId, before.openVisits)
  const changes = {
    name: body.name,
    ...(await sealPhone(deps.crypto, 'Officer', officerId, body.phone)),
    unitId: unit.unitId,
    regionCode: unit.regionCode,
    locale,
    duty,
    active,
  }
  const after = { ...before, ...changes }
  await replaceRefused(
    saveOfficerChanges(
      store,
      officerId,
      changes,
      { regionCode: before.regionCode, noOpenVisits: stopsOfficer },
      {
        subject: auditSubject('officer', officerId),
        actor: actor.id,
        action: 'officer.replaced',
        regionCode: unit.regionCode,
        at: clock.now(),
        before: withoutCipher(before),
        after: withoutCipher(after),
      },
    ),
    `officer ${officerId}`,
    async () => {
      const now = await officerById(store, officerId, { consistent: true })
      if (stopsOfficer && now && now.openVisits > 0) throw openVisitsError(officerId, now.openVisits)
    },
  )
  return phoneView(after)
}
