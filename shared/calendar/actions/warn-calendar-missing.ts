// A date counted in a year not loaded: administrators are asked to load its holiday arrangement.
import type { AppDeps } from '../../platform/deps.ts'
import { officialCalendarYears } from '../rules/official-calendar.ts'
import { yearMissingWarning } from '../rules/year-missing.ts'
import { raiseYearMissingWarning } from '../store.ts'

/**
 * One warning per missing year, however many visits it makes provisional or however often it is asked. Raised only
 * while the year is still not loaded (checked in the same transaction): a caller counting on a calendar cached before
 * the year was loaded raises nothing after the load cleared it.
 */
export const warnCalendarMissing = async (deps: AppDeps, years: string[]) => {
  const { store, clock, logger } = deps
  const shipped = officialCalendarYears()
  for (const year of new Set(years)) {
    if (shipped[year]) continue
    // Refused: loaded meanwhile, or warned already.
    if (!(await raiseYearMissingWarning(store, year, yearMissingWarning(year, clock.now())))) continue
    logger.warn('holiday arrangement missing: dates provisional', { year })
  }
}
