// An administrator opts a number out of SMS, or back in; and the one place an opt-out is recorded, with its audit entry.
import * as z from 'zod'
import { requireInScopeOrNotFound } from '../../access/rules/object-scope.ts'
import { type Actor, isProvincialAdmin } from '../../access/rules/roles.ts'
import { strictObject } from '../../directory/rules/fields.ts'
import { phoneSchema } from '../../directory/rules/schemas.ts'
import { PHONE_INDEX, withoutCipher } from '../../platform/crypto/personal-data.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { ForbiddenError, ValidationError } from '../../platform/errors.ts'
import { idSchema } from '../../platform/id.ts'
import { maskPhone } from '../../platform/masking.ts'
import { directoryPerson } from '../ports.ts'
import { optOutOf, saveOptOut } from '../store/settings.ts'

export const optOutInput = strictObject({
  phone: phoneSchema,
  optedOut: z.boolean(),
  /** Whose number it is: needed below the province level, where a caller's scope is proven by the person's region. */
  petitionerId: idSchema.optional(),
  officerId: idSchema.optional(),
})

/** Records a number's opt-out (or opt-in), audited; what the caller sees of it. */
export const recordOptOut = async (
  deps: AppDeps,
  phone: string,
  {
    regionCode,
    ...change
  }: {
    optedOut: boolean
    source: 'sms' | 'admin'
    by: string
    keyword?: string
    /** The audit entry's region: the person's, or the caller's; none for the number's own reply. */
    regionCode?: string
  },
) => {
  const { store, clock, crypto } = deps
  const phoneIndex = crypto.blindIndex(phone, PHONE_INDEX)
  const before = await optOutOf(store, phoneIndex)
  const now = clock.now()
  const after = { phoneIndex, phoneMasked: maskPhone(phone), ...change, at: now.toISOString() }
  await saveOptOut(store, after, {
    actor: change.by,
    action: change.optedOut ? 'sms.opted-out' : 'sms.opted-in',
    regionCode: regionCode ?? '',
    at: now,
    // The blind index keys the trail (its subject), and is kept out of what the trail shows.
    before: withoutCipher(before),
    after: withoutCipher(after),
  })
  return { phone: after.phoneMasked, optedOut: after.optedOut, source: after.source, at: after.at }
}

/**
 * A phone number has no region of its own. An administrator of a province or above may opt any number out or in;
 * anyone else (a supervisor, a county administrator) names the petitioner or officer whose number it is: that
 * person must be in the caller's region, and the number must be theirs (compared by its blind index).
 */
export const setOptOut = async (deps: AppDeps, actor: Actor, input: z.infer<typeof optOutInput>) => {
  if (input.petitionerId && input.officerId) {
    throw new ValidationError([{ field: 'officerId', reason: 'name a petitioner or an officer, not both' }])
  }
  const person = input.petitionerId
    ? {
        kind: 'petitioner',
        id: input.petitionerId,
        record: await directoryPerson(deps, 'petitioner', input.petitionerId),
      }
    : input.officerId
      ? {
          kind: 'officer',
          id: input.officerId,
          record: await directoryPerson(deps, 'officer', input.officerId),
        }
      : undefined
  if (!person && !isProvincialAdmin(actor)) {
    throw new ForbiddenError(
      `a number has no region: only a province-level administrator may opt a bare number out or in; name the petitionerId or officerId whose number it is`,
    )
  }
  if (person) {
    // Someone outside the caller's scope is answered as no one: the answer does not say where they are.
    const record = requireInScopeOrNotFound(actor, person.record, `${person.kind} ${person.id}`)
    if (record.phoneIndex !== deps.crypto.blindIndex(input.phone, PHONE_INDEX)) {
      throw new ForbiddenError(`the number is not that of ${person.kind} ${person.id}`)
    }
  }
  return recordOptOut(deps, input.phone, {
    optedOut: input.optedOut,
    source: 'admin',
    by: actor.id,
    regionCode: person?.record?.regionCode ?? actor.regionCode,
  })
}
