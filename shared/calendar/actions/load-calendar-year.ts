// An administrator loads a year's holiday arrangement: the visits counted on weekends only are recomputed.
import { type Actor, requireProvincialAdmin } from '../../access/rules/roles.ts'
import { auditSubject } from '../../platform/audit.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { ConflictError } from '../../platform/errors.ts'
import type { ProvisionalVisits } from '../ports.ts'
import { currentCalendar, forgetCachedCalendar } from '../reader.ts'
import { provisionalVisits } from '../recompute-visits.ts'
import type { CalendarYearInput } from '../rules/calendar-year.ts'
import { officialCalendarYears } from '../rules/official-calendar.ts'
import { clearYearMissingWarning, loadedYear, saveLoadedYear } from '../store.ts'
import { recomputeYear } from './recompute-year.ts'

/**
 * A holiday arrangement is national (the State Council's): it changes deadlines in every region, so only an
 * administrator of a province or above may load one, not a county's or a township's.
 */
export const loadCalendarYear = async (
  deps: AppDeps,
  actor: Actor,
  input: CalendarYearInput,
  visits: ProvisionalVisits = provisionalVisits,
) => {
  const { store, clock } = deps
  requireProvincialAdmin(actor, 'a holiday arrangement applies nationwide')
  if (officialCalendarYears()[input.year]) {
    throw new ConflictError(
      `${input.year} ships with Aftercare (the State Council's arrangement); it is not replaced`,
    )
  }
  const before = await loadedYear(store, input.year)
  const now = clock.now()
  const year = { ...input, loadedAt: now.toISOString(), loadedBy: actor.id }
  await saveLoadedYear(store, year, {
    subject: auditSubject('calendar-year', input.year),
    actor: actor.id,
    action: before ? 'calendar-year.replaced' : 'calendar-year.loaded',
    regionCode: '',
    at: now,
    before,
    after: year,
  })
  forgetCachedCalendar(deps)
  const calendar = await currentCalendar(deps)
  const result = await recomputeYear(deps, visits, calendar, input.year)
  await clearYearMissingWarning(store, input.year)
  return { year: input.year, ...result }
}
