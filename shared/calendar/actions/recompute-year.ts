// The visits marked provisional under a year, recomputed with the calendar that now has it.
import pMap from 'p-map'
import type { AppDeps } from '../../platform/deps.ts'
import type { ProvisionalVisits } from '../ports.ts'
import type { WorkingCalendar } from '../rules/working-calendar.ts'
import { provisionalVisitsOfYear } from '../store.ts'

/** Recomputes the visits marked under `year` (at most `limit` of them); how many, and how many moved. */
export const recomputeYear = async (
  deps: AppDeps,
  visits: ProvisionalVisits,
  calendar: WorkingCalendar,
  year: string,
  limit?: number,
) => {
  const marked = await provisionalVisitsOfYear(deps.store, year, limit)
  const moved = await pMap(marked, (visitId) => visits.recompute(deps, calendar, visitId, year), {
    concurrency: 8,
  })
  return { recomputed: marked.length, moved: moved.filter(Boolean).length }
}
