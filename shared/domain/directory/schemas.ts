// Units, officers and petitioners as an administrator submits them.
import { parsePhoneNumberFromString } from 'libphonenumber-js/min'
import * as z from 'zod'
import { isRegionCode } from '../access/region-scope.ts'
import { cadencePolicySchema } from '../visits/cadence.ts'
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

export const unitInput = z.object({
  unitId: id,
  name: z.string().min(1).max(100),
  regionCode: regionCodeSchema,
  level: z.enum(['village', 'township', 'county', 'city', 'province']),
  parentUnitId: id.optional(),
})

export const officerInput = z.object({
  officerId: id,
  name: z.string().min(1).max(50),
  phone: phoneSchema,
  unitId: id,
  locale: localeSchema,
  active: z.boolean().default(true),
  /** Officers are assigned return visits; supervisors are told of overdue and flagged ones. */
  duty: z.enum(['officer', 'supervisor']).default('officer'),
})

export const petitionerInput = z.object({
  petitionerId: id,
  name: z.string().min(1).max(50),
  phone: phoneSchema,
  unitId: id,
  locale: localeSchema,
})

export const cadencePolicyInput = z.object({ regionCode: regionCodeSchema, policy: cadencePolicySchema })
