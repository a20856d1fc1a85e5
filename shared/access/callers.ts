// Who is calling: the person of the directory that a token's sign-in (issuer, subject) is linked to
// (shared/directory/actions/link-sign-in.ts), resolved once a minute per container. Every HTTP function imports this,
// so it imports nothing else of the sign-in code (no token signing, no sign-in service): only the directory's named
// reads.
import { officerById, signInLink } from '../directory/store.ts'
import type { AppDeps } from '../platform/deps.ts'
import { ForbiddenError } from '../platform/errors.ts'
import { ExpiringCache } from './actor-cache.ts'
import {
  type Actor,
  actorOfStaff,
  type SignIn,
  type StaffRecord,
  sameSignIn,
  signInFromClaims,
} from './rules/roles.ts'

type ResolverDeps = Pick<AppDeps, 'store' | 'clock' | 'config'>

/** The staff record a sign-in is linked to, or the 403 that says why there is none. */
const staffRecordOf = async ({ store }: ResolverDeps, signIn: SignIn): Promise<StaffRecord> => {
  const link = await signInLink(store, signIn.issuer, signIn.subject)
  if (!link) {
    throw new ForbiddenError(
      `no one in the directory is linked to this sign-in (subject ${signIn.subject} of ${signIn.issuer}): an ` +
        'administrator links it to the person with POST /admin/officers/{officerId}/sign-in',
    )
  }
  const record = await officerById(store, link.officerId)
  // A link left behind by a record replaced meanwhile does not stand for the person.
  if (!record || !sameSignIn(record.signIn, signIn)) {
    throw new ForbiddenError(
      `the directory record linked to this sign-in (${link.officerId}) no longer keeps it: an administrator links it again`,
    )
  }
  return record
}

/**
 * Resolves the caller of a request: the token's claims (as API Gateway's JWT authorizer passes them on) → its
 * sign-in → the link → the staff record → the actor. A record is remembered for a minute per container, on the
 * deps' clock, so that a change in the directory (a duty, a unit, a departure) takes effect within that time.
 */
export const actorResolver = (deps: ResolverDeps) => {
  const cache = new ExpiringCache<StaffRecord>(() => deps.clock.now())
  return async (claims: Record<string, unknown> | undefined): Promise<Actor> => {
    const signIn = signInFromClaims(claims, {
      issuer: deps.config.TOKEN_ISSUER,
      maxLifetimeSeconds: deps.config.TOKEN_MAX_LIFETIME_SECONDS,
    })
    const key = `${signIn.issuer}\n${signIn.subject}`
    let record = cache.get(key)
    if (!record) {
      record = await staffRecordOf(deps, signIn)
      cache.set(key, record)
    }
    return actorOfStaff(record)
  }
}
