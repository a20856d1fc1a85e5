// The matter a request addresses (a step of the matters' actions, not an office action of its own).
import { requireInScopeOrNotFound } from '../../access/rules/object-scope.ts'
import type { Actor } from '../../access/rules/roles.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { matterById } from '../store.ts'

/** A matter outside the caller's scope is answered as a missing one: 404, not a 403 that would say where it is. */
export const loadMatter = async ({ store }: Pick<AppDeps, 'store'>, actor: Actor, matterId: string) =>
  requireInScopeOrNotFound(actor, await matterById(store, matterId), `case ${matterId}`)
