// The directory's 409s: an id in use, and a person with open visits who would stop being an officer.
import { inScope } from '../../access/rules/object-scope.ts'
import type { Actor } from '../../access/rules/roles.ts'
import { ConflictError } from '../../platform/errors.ts'

/**
 * An id is one name in the whole directory. Creating one that exists answers 409: in the caller's scope saying how
 * to replace it, outside it saying only that the id is taken, not where.
 */
export const takenError = (
  actor: Pick<Actor, 'regionCode'>,
  field: string,
  id: string,
  route: string,
  existing: { regionCode: string },
) =>
  inScope(actor, existing)
    ? new ConflictError(`${field}: ${id} exists already; PUT ${route}/${id} replaces it`)
    : new ConflictError(`${field}: ${id} is already in use; choose another`)

export const openVisitsError = (officerId: string, openVisits: number) =>
  new ConflictError(
    `${officerId} has ${openVisits} open visits: hand them over (POST /officers/${officerId}/leave ` +
      'or reassign) before giving them another duty or marking them as left',
  )
