import * as z from 'zod'
import { ForbiddenError, UnauthorizedError } from '../../platform/errors.ts'
import { isRegionCode, regionCovers, significantPrefix } from './region-scope.ts'

export const roles = ['officer', 'supervisor', 'committee', 'admin'] as const
export const roleSchema = z.enum(roles)
export type Role = z.infer<typeof roleSchema>

/**
 * Who is calling: a person of the directory. `id` is the directory id of their staff record (not the token's `sub`),
 * `role` the record's duty and `regionCode` the region of the record's unit, their scope.
 */
export interface Actor {
  id: string
  role: Role
  regionCode: string
}

/** A person's account with the identity provider: the token's `iss` and `sub`, the key of the directory's link. */
export interface SignIn {
  issuer: string
  subject: string
}

/** Whether a record's sign-in (if it keeps one) is this one. */
export const sameSignIn = (a: SignIn | undefined, b: SignIn): boolean =>
  a?.issuer === b.issuer && a.subject === b.subject

export interface TokenRules {
  /** The only `iss` accepted (TOKEN_ISSUER). */
  issuer: string
  /** The longest `exp` − `iat` accepted (TOKEN_MAX_LIFETIME_SECONDS). */
  maxLifetimeSeconds: number
}

/**
 * A time claim in seconds. API Gateway's HTTP API JWT authorizer hands every claim on as a string ("1767225600");
 * a number is taken too, for a function invoked otherwise.
 */
const epochSeconds = (claims: Record<string, unknown>, name: string): number => {
  const value = claims[name]
  const seconds = typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : value
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 0) {
    throw new UnauthorizedError(`token claim ${name} is ${value === undefined ? 'missing' : 'not a time'}`)
  }
  return seconds
}

/**
 * The sign-in an ID token proves, once the authorizer has checked its signature, audience and expiry: its issuer
 * is the configured one, it is an ID token (Cognito's access tokens carry `token_use: access` and no `aud`), and it
 * was not minted to live longer than the maximum. Each refusal is a 401 that says why.
 */
export const signInFromClaims = (claims: Record<string, unknown> | undefined, rules: TokenRules): SignIn => {
  const c = claims ?? {}
  const text = (name: string) => {
    const value = c[name]
    if (typeof value !== 'string' || value.length === 0)
      throw new UnauthorizedError(`token claim ${name} is missing`)
    return value
  }
  const issuer = text('iss')
  if (issuer !== rules.issuer) {
    throw new UnauthorizedError(`token issuer ${issuer} is not the one this API accepts (${rules.issuer})`)
  }
  if (c.token_use !== undefined && c.token_use !== 'id') {
    throw new UnauthorizedError(`token_use ${String(c.token_use)}: only ID tokens are accepted`)
  }
  text('aud')
  const subject = text('sub')
  const issuedAt = epochSeconds(c, 'iat')
  const expires = epochSeconds(c, 'exp')
  const lifetime = expires - issuedAt
  if (lifetime <= 0) throw new UnauthorizedError('token expires before it was issued')
  if (lifetime > rules.maxLifetimeSeconds) {
    throw new UnauthorizedError(
      `token lifetime ${lifetime} s exceeds the maximum of ${rules.maxLifetimeSeconds} s (TOKEN_MAX_LIFETIME_SECONDS)`,
    )
  }
  return { issuer, subject }
}

/** The staff record's fields that make an actor. */
export interface StaffRecord {
  officerId: string
  duty: string
  regionCode: string
  active: boolean
}

/** The actor a staff record makes: its duty is the role, its unit's region the scope. One who has left cannot act. */
export const actorOfStaff = (record: StaffRecord): Actor => {
  if (!record.active) {
    throw new ForbiddenError(
      `${record.officerId} has left (the directory record is inactive) and can no longer act`,
    )
  }
  const role = roleSchema.safeParse(record.duty)
  if (!role.success || !isRegionCode(record.regionCode)) {
    throw new ForbiddenError(`the directory record of ${record.officerId} has no valid duty and region`)
  }
  return { id: record.officerId, role: role.data, regionCode: record.regionCode }
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
