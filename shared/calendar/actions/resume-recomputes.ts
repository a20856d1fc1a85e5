// The sweeper's part in a load: recomputes a load left half-way, and clears the warning of a year loaded.
import type { AppDeps } from '../../platform/deps.ts'
import type { ProvisionalVisits } from '../ports.ts'
import { currentCalendar } from '../reader.ts'
import { provisionalVisits } from '../recompute-visits.ts'
import { businessDateOf } from '../rules/business-time.ts'
import { officialCalendarYears } from '../rules/official-calendar.ts'
import type { WorkingCalendar } from '../rules/working-calendar.ts'
import { yearsAround } from '../rules/year-missing.ts'
import { clearYearMissingWarningIfAny } from '../store.ts'
import { recomputeYear } from './recompute-year.ts'

/** Marks of one year recomputed at a time by one call: the sweeper's share of a minute. */
const RESUME_BATCH = 50

/**
 * A year loaded whose marks are still there (the load stopped half-way, or a planner counting on a calendar cached
 * before the load marked a visit after it) is recomputed, a batch a minute, and a warning left for a loaded year is
 * cleared. Looks at last year, this year and the two after.
 */
export const resumeRecomputes = async (deps: AppDeps, visits: ProvisionalVisits = provisionalVisits) => {
  let calendar: WorkingCalendar | undefined
  let recomputed = 0
  for (const year of yearsAround(businessDateOf(deps.clock.now()))) {
    calendar ??= await currentCalendar(deps)
    if (!calendar.hasYear(year)) continue
    recomputed += (await recomputeYear(deps, visits, calendar, year, RESUME_BATCH)).recomputed
    if (!officialCalendarYears()[year]) await clearYearMissingWarningIfAny(deps.store, year)
  }
  return { recomputed }
}
