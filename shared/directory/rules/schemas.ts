// Units, officers and petitioners as an administrator submits them.
import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile'
import * as z from 'zod'
import { isRegionCode } from '../../access/rules/region-scope.ts'
import { roleSchema } from '../../access/rules/roles.ts'
import { idSchema as id } from '../../platform/id.ts'
import { cadencePolicySchema } from '../../visits/rules/cadence.ts'
import { nameSchema, strictObject } from './fields.ts'
import { unitLevels } from './units.ts'

/**
 * A number SMS can reach, mainland by default, kept in E.164 (+86…). The whole text must be the number (nothing is
 * picked out of `abc13800138000`, no extension), and the mobile metadata must know it as a mobile: the minimal
 * metadata only checks lengths and cannot tell a mobile from a landline, which takes no SMS.
 */
export const phoneSchema = z.string().transform((value, ctx) => {
  const phone = parsePhoneNumberFromString(value, { defaultCountry: 'CN', extract: false })
  if (phone?.ext) {
    ctx.addIssue({ code: 'custom', message: 'must be a phone number without an extension' })
    return z.NEVER
  }
  const type = phone?.isValid() ? phone.getType() : undefined
  if (!phone || (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE')) {
    ctx.addIssue({
      code: 'custom',
      message:
        'must be a valid phone number that takes SMS: a mobile number, in E.164 (+86…) or as a mainland number',
    })
    return z.NEVER
  }
  return phone.number
})

export const regionCodeSchema = z.string().refine(isRegionCode, 'must be a 6, 9 or 12 digit division code')
export const localeSchema = z.enum(['zh-CN', 'en']).default('zh-CN')

export const unitInput = strictObject({
  unitId: id,
  name: nameSchema(100),
  regionCode: regionCodeSchema,
  level: z.enum(unitLevels),
  parentUnitId: id.optional(),
})

/**
 * `PUT /admin/units/{unitId}`: the unit as it is to be (no `parentUnitId`: a unit at the top); `unitId`, if given,
 * must be the one of the path.
 */
export const unitReplacement = strictObject({ ...unitInput.shape, unitId: id.optional() })

const staffFields = {
  officerId: id,
  name: nameSchema(50),
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
  name: nameSchema(50),
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

/** A person who signs in, as an operator gives them at the console (shared/directory/actions/put-person.ts). */
export const personInput = strictObject({
  personId: id,
  name: nameSchema(50),
  role: roleSchema,
  phone: phoneSchema,
  unitId: id,
  /** Needed only when the unit does not exist yet: it is made at this region. */
  unitRegionCode: regionCodeSchema.optional(),
  /** @default the region code */
  unitName: nameSchema(100).optional(),
  locale: localeSchema,
  /** `email`: an account is created with the sign-in service; `subject`: the provider's account is linked. */
  signIn: z.union([z.object({ email: z.email() }), z.object({ subject: z.string().min(1) })]).optional(),
})
export type PersonInput = z.input<typeof personInput>
