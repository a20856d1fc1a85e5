// Objects addressed by id (a visit, a matter, a notification, an officer, an audit trail): one outside the caller's
// region scope is answered exactly as one that does not exist, so that no answer tells that it exists elsewhere, or
// in which region. Routes addressed by a region (`/regions/{regionCode}/…`, a region in the body) keep the 403 of
// `requireRegion` in roles.ts: the caller named the region, there is nothing to hide.
import { NotFoundError } from '../../platform/errors.ts'
import { regionCovers } from './region-scope.ts'
import type { Actor } from './roles.ts'

type Scope = Pick<Actor, 'regionCode'>

/** Whether the object exists and lies in the caller's region scope: what the caller may know of. */
export const inScope = <T extends { regionCode: string }>(actor: Scope, object: T | undefined): object is T =>
  object !== undefined && regionCovers(actor.regionCode, object.regionCode)

/** The one answer for an object the caller may not know of: `visit v-1 not found`, whether missing or elsewhere. */
export const notFound = (what: string) => new NotFoundError(`${what} not found`)

/**
 * The object, if it exists and the caller's scope covers its region; otherwise the 404 of a missing object.
 * `what` names the object as the caller addressed it (`visit v-1`), never with anything read from it.
 */
export const requireInScopeOrNotFound = <T extends { regionCode: string }>(
  actor: Scope,
  object: T | undefined,
  what: string,
): T => {
  if (!inScope(actor, object)) throw notFound(what)
  return object
}
