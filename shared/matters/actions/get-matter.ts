// `GET /cases/{caseId}`: a matter of the caller's scope and its events, in the order they were recorded.
import type { Actor } from '../../access/rules/roles.ts'
import type { MatterDeps } from '../ports.ts'
import { eventsOfMatter } from '../store.ts'
import { loadCase } from './load-matter.ts'

export const getCase = async (deps: MatterDeps, actor: Actor, caseId: string) => {
  const matter = await loadCase(deps, actor, caseId)
  const events = await eventsOfMatter(deps.store, caseId)
  return { ...matter, events: events.sort((a, b) => a.recordedAt.localeCompare(b.recordedAt)) }
}
