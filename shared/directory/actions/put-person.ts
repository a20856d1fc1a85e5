// A person who signs in, made in one go by an operator: their unit (made at its region when it does not exist yet),
// their staff record and the link to their sign-in. `npm run person` bootstraps an installation's first
// administrator with it; the test fixture makes its callers with it.
import type { Actor, SignIn } from '../../access/rules/roles.ts'
import { ValidationError } from '../../platform/errors.ts'
import type { SignInDeps } from '../ports.ts'
import { type PersonInput, personInput, unitInput } from '../rules/schemas.ts'
import { personUnitRegion, unitLevelOf } from '../rules/units.ts'
import { unitById } from '../store.ts'
import { linkSignIn } from './link-sign-in.ts'
import { putOfficer } from './put-officer.ts'
import { putUnit } from './put-unit.ts'

/**
 * Writes the person's unit if needed, their staff record (duty = role) and, when `signIn` says how, links their
 * sign-in. `by` is an administrator of the directory, whose scope must cover the unit, or the name of an operator at
 * the installation's console (the audit trail names them), who may act on any region.
 */
export const putPerson = async (deps: SignInDeps, by: Actor | string, raw: PersonInput) => {
  const input = personInput.parse(raw)
  const existing = await unitById(deps.store, input.unitId)
  const region = personUnitRegion(input.unitId, existing, input.unitRegionCode)
  if ('problem' in region) throw new ValidationError([{ field: 'unitRegionCode', reason: region.problem }])
  const { regionCode } = region
  const actor: Actor = typeof by === 'string' ? { id: by, role: 'admin', regionCode } : by
  const unit =
    existing ??
    (await putUnit(
      deps,
      actor,
      unitInput.parse({
        unitId: input.unitId,
        name: input.unitName ?? regionCode,
        regionCode,
        level: unitLevelOf(regionCode),
      }),
    ))
  const record = await putOfficer(deps, actor, {
    officerId: input.personId,
    name: input.name,
    phone: input.phone,
    unitId: input.unitId,
    locale: input.locale,
    active: true,
    duty: input.role,
  })
  let signIn: SignIn | undefined
  if (input.signIn && 'email' in input.signIn) {
    const made = await deps.signIns.createSignIn({
      username: input.personId,
      email: input.signIn.email,
      name: input.name,
    })
    signIn = { issuer: made.issuer, subject: made.subject }
  } else if (input.signIn) {
    signIn = { issuer: deps.config.TOKEN_ISSUER, subject: input.signIn.subject }
  }
  const linked = signIn ? await linkSignIn(deps, actor, input.personId, signIn) : undefined
  return { record, unit, signIn: linked?.signIn }
}
