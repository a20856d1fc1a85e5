import * as z from 'zod'
import { ForbiddenError, UnauthorizedError } from '../../errors.ts'
import { isRegionCode, regionCovers, significantPrefix } from './region-scope.ts'

export const roles = ['officer', 'supervisor', 'committee', 'admin'] as const
export const roleSchema = z.enum(roles)
export type Role = z.infer<typeof roleSchema>

/** Who is calling, from the token claims `sub`, `custom:role` and `custom:region`. */
export interface Actor {
  id: string
  role: Role
  regionCode: string
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  'custom:role': roleSchema,
  'custom:region': z.string().refine(isRegionCode, 'must be a 6, 9 or 12 digit division code'),
})

export const actorFromClaims = (claims: Record<string, unknown> | undefined): Actor => {
  const parsed = claimsSchema.safeParse(claims ?? {})
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') ?? 'claims'
    throw new UnauthorizedError(`token claim ${field} is missing or invalid`)
  }
  return { id: parsed.data.sub, role: parsed.data['custom:role'], regionCode: parsed.data['custom:region'] }
}

export const requireRole = (actor: Actor, allowed: readonly Role[]): void => {
  if (!allowed.includes(actor.role)) {
    throw new ForbiddenError(`role ${actor.role} may not do this (allowed: ${allowed.join(', ')})`)
  }
}

export const requireRegion = (actor: Actor, regionCode: string): void => {
  if (!regionCovers(actor.regionCode, regionCode)) {
    throw new ForbiddenError(`region ${regionCode} is outside your scope ${actor.regionCode}`)
  }
}

/**
 * An administrator of a province or above (a scope whose significant prefix has at most 2 digits): the only caller
 * who may change national data (template texts, holiday arrangements) or data with no region (a bare phone number).
 */
export const isProvincialAdmin = (actor: Actor): boolean =>
  actor.role === 'admin' && significantPrefix(actor.regionCode).length <= 2

/** Refuses anyone but a province-level administrator; `what` says why the data needs one. */
export const requireProvincialAdmin = (actor: Actor, what: string): void => {
  if (!isProvincialAdmin(actor)) {
    throw new ForbiddenError(
      `${what}: only a province-level administrator may (your role ${actor.role}, your scope ${actor.regionCode})`,
    )
  }
}
