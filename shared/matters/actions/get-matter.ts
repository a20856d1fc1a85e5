// `GET /matters/{matterId}`: a matter of the caller's scope and its events, in the order they were recorded.
import type { Actor } from '../../access/rules/roles.ts'
import type { MatterDeps } from '../ports.ts'
import { eventsOfMatter } from '../store.ts'
import { loadMatter } from './load-matter.ts'

export const getMatter = async (deps: MatterDeps, actor: Actor, matterId: string) => {
  const matter = await loadMatter(deps, actor, matterId)
  const events = await eventsOfMatter(deps.store, matterId)
  return { ...matter, events: events.sort((a, b) => a.recordedAt.localeCompare(b.recordedAt)) }
}
