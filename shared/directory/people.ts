// A person who signs in, made in one go by an operator: their unit (made at its region when it does not exist yet),
// their staff record and the link to their sign-in. `npm run person` bootstraps an installation's first
// administrator with it; the test fixture makes its callers with it.
import { GetItemCommand } from 'dynamodb-toolbox'
import * as z from 'zod'
import { significantPrefix } from '../access/rules/region-scope.ts'
import { type Actor, roleSchema, type SignIn } from '../access/rules/roles.ts'
import type { AppDeps } from '../platform/deps.ts'
import { ValidationError } from '../platform/errors.ts'
import { idSchema } from '../platform/id.ts'
import { putOfficer, putUnit } from './directory.ts'
import { nameSchema, strictObject } from './rules/fields.ts'
import { localeSchema, phoneSchema, regionCodeSchema, unitInput } from './rules/schemas.ts'
import { linkSignIn } from './sign-ins.ts'

/** The level of a unit at a region code, from its significant prefix: 33 province, 3301 city, 330106 county, … */
export const unitLevelOf = (regionCode: string): z.infer<typeof unitInput>['level'] => {
  const levels = { 2: 'province', 4: 'city', 6: 'county', 9: 'township', 12: 'village' } as const
  return levels[significantPrefix(regionCode).length as keyof typeof levels] ?? 'village'
}

export const personInput = strictObject({
  personId: idSchema,
  name: nameSchema(50),
  role: roleSchema,
  phone: phoneSchema,
  unitId: idSchema,
  /** Needed only when the unit does not exist yet: it is made at this region. */
  unitRegionCode: regionCodeSchema.optional(),
  /** @default the region code */
  unitName: nameSchema(100).optional(),
  locale: localeSchema,
  /** `email`: an account is created with the sign-in service; `subject`: the provider's account is linked. */
  signIn: z.union([z.object({ email: z.email() }), z.object({ subject: z.string().min(1) })]).optional(),
})
export type PersonInput = z.input<typeof personInput>

/**
 * Writes the person's unit if needed, their staff record (duty = role) and, when `signIn` says how, links their
 * sign-in, straight through the store. `by` is an administrator of the directory, whose scope must cover the unit,
 * or the name of an operator at the installation's console (the audit trail names them), who may act on any region.
 */
export const putPerson = async (deps: AppDeps, by: Actor | string, raw: PersonInput) => {
  const input = personInput.parse(raw)
  const { Item: existing } = await deps.store.Unit.build(GetItemCommand).key({ unitId: input.unitId }).send()
  const regionCode = existing?.regionCode ?? input.unitRegionCode
  if (!regionCode) {
    throw new ValidationError([
      {
        field: 'unitRegionCode',
        reason: `unit ${input.unitId} does not exist: give its region code to make it`,
      },
    ])
  }
  if (existing && input.unitRegionCode && input.unitRegionCode !== existing.regionCode) {
    throw new ValidationError([
      {
        field: 'unitRegionCode',
        reason: `unit ${input.unitId} exists at region ${existing.regionCode}, not ${input.unitRegionCode}`,
      },
    ])
  }
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
