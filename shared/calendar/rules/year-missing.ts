// A year whose holiday arrangement is not loaded: what administrators are told, and from when it is asked for.
import type { BusinessDate } from './business-time.ts'

/** The warning of a year not loaded, national: it changes deadlines in every region. */
export const yearMissingWarning = (year: string, raisedAt: Date) => ({
  kind: 'calendar-year-missing',
  message: `The holiday arrangement of ${year} is not loaded: dates in ${year} are counted on weekends only and marked provisional. Load it with POST /admin/calendar-years.`,
  raisedAt: raisedAt.toISOString(),
  national: true,
})

/** The State Council publishes a year's arrangement around November of the year before. */
const WARN_FROM = '11-01'

/** From 1 November, the year after `today`'s: the one to ask for. Undefined before. */
export const yearToAskFor = (today: BusinessDate): string | undefined =>
  today.slice(5) < WARN_FROM ? undefined : String(Number(today.slice(0, 4)) + 1)

/**
 * The years the sweeper looks at for recomputes left half-way: last year, this year and the two after.
 */
export const yearsAround = (today: BusinessDate): string[] => {
  const thisYear = Number(today.slice(0, 4))
  return [thisYear - 1, thisYear, thisYear + 1, thisYear + 2].map(String)
}
