// Units, officers and petitioners as an administrator submits them.
import { parsePhoneNumberFromString } from 'libphonenumber-js/min'
import * as z from 'zod'
import { isRegionCode } from '../access/region-scope.ts'
import { roleSchema } from '../access/roles.ts'
import { cadencePolicySchema } from '../visits/cadence.ts'
import { strictObject } from './fields.ts'
import { idSchema as id } from './id.ts'

/** A mobile number, mainland by default, kept in E.164 (+86…). */
export const phoneSchema = z.string().transform((value, ctx) => {
  const phone = parsePhoneNumberFromString(value, 'CN')
  if (!phone?.isValid()) {
    ctx.addIssue({ code: 'custom', message: 'must be a valid phone number (E.164 or a mainland number)' })
    return z.NEVER
  }
  return phone.number
})

export const regionCodeSchema = z.string().refine(isRegionCode, 'must be a 6, 9 or 12 digit division code')
export const localeSchema = z.enum(['zh-CN', 'en']).default('zh-CN')

export const unitInput = strictObject({
  unitId: id,
  name: z.string().min(1).max(100),
  regionCode: regionCodeSchema,
  level: z.enum(['village', 'township', 'county', 'city', 'province']),
  parentUnitId: id.optional(),
})

/**
 * `PUT /admin/units/{unitId}`: the unit as it is to be (no `parentUnitId`: a unit at the top); `unitId`, if given,
 * must be the one of the path.
 */
export const unitReplacement = strictObject({ ...unitInput.shape, unitId: id.optional() })

const staffFields = {
  officerId: id,
  name: z.string().min(1).max(50),
  phone: phoneSchema,
  unitId: id,
  locale: localeSchema,
  active: z.boolean().default(true),
  /**
   * What the person does, which is also their role when they sign in: officers are assigned return visits,
   * supervisors are told of overdue and flagged ones, committee members review the screening, administrators
   * configure. Only `officer` is ever assigned visits.
   */
  duty: roleSchema.default('officer'),
}

export const officerInput = strictObject(staffFields)

/**
 * `PUT /admin/officers/{officerId}`: the name, phone and unit replace the record's; `duty`, `locale` and `active`
 * replace it only when given, so that a replacement never reactivates a person who has left, nor changes a duty, by
 * leaving a field out. The open visits and the sign-in are not the body's to set.
 */
export const officerReplacement = strictObject({
  ...staffFields,
  officerId: id.optional(),
  locale: z.enum(['zh-CN', 'en']).optional(),
  active: z.boolean().optional(),
  duty: roleSchema.optional(),
})

export const petitionerInput = strictObject({
  petitionerId: id,
  name: z.string().min(1).max(50),
  phone: phoneSchema,
  unitId: id,
  locale: localeSchema,
})

/** `PUT /admin/petitioners/{petitionerId}`: name, phone and unit replace the record's; `locale` when given. */
export const petitionerReplacement = strictObject({
  ...petitionerInput.shape,
  petitionerId: id.optional(),
  locale: z.enum(['zh-CN', 'en']).optional(),
})

export const cadencePolicyInput = strictObject({ regionCode: regionCodeSchema, policy: cadencePolicySchema })

/**
 * A person's sign-in for `POST /admin/officers/{officerId}/sign-in`: `email` creates the account with the sign-in
 * service (Cognito, or the local one) and links it; `subject` links an account made at the identity provider
 * already (another OIDC provider: its `sub`), under TOKEN_ISSUER.
 */
export const signInInput = strictObject({
  email: z.email('must be an e-mail address').max(254).optional(),
  subject: z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, "must be the provider's subject: 1-255 printable characters, no spaces")
    .optional(),
}).superRefine(({ email, subject }, ctx) => {
  if (email === undefined && subject === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['email'],
      message: 'is required (or subject, to link an account the identity provider has already)',
    })
  } else if (email !== undefined && subject !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['subject'], message: 'give email or subject, not both' })
  }
})
