// The working-day calendar in use: the shipped years plus those an administrator loaded, as the planner and the
// visit actions read it (cached a minute) and as the sweeper and a load read it (as stored now).
import type { AppDeps } from '../platform/deps.ts'
import { officialCalendarYears } from './rules/official-calendar.ts'
import { WorkingCalendar } from './rules/working-calendar.ts'
import { loadedYears } from './store.ts'

/** Loaded years change a few times a year; a process re-reads them at most this often. */
const CACHE_MS = 60_000
const cache = new Map<string, { at: number; calendar: Promise<WorkingCalendar> }>()

/** The calendar as stored now (the shipped years and those loaded), not cached: for the sweeper and a load. */
export const currentCalendar = async ({ store }: AppDeps): Promise<WorkingCalendar> =>
  new WorkingCalendar({ ...officialCalendarYears(), ...(await loadedYears(store)) })

export const workingCalendar = (deps: AppDeps): Promise<WorkingCalendar> => {
  const key = deps.config.TABLE_NAME
  const hit = cache.get(key)
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.calendar
  const calendar = currentCalendar(deps)
  cache.set(key, { at: Date.now(), calendar })
  calendar.catch(() => cache.delete(key))
  return calendar
}

/** A year was loaded: this process reads the calendar again next time. */
export const forgetCachedCalendar = (deps: AppDeps) => {
  cache.delete(deps.config.TABLE_NAME)
}
