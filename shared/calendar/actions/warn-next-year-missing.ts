// From 1 November, next year's holiday arrangement asked for before any visit lands in it.
import type { AppDeps } from '../../platform/deps.ts'
import { businessDateOf } from '../rules/business-time.ts'
import { officialCalendarYears } from '../rules/official-calendar.ts'
import { yearToAskFor } from '../rules/year-missing.ts'
import { raisedYearMissingWarning } from '../store.ts'
import { warnCalendarMissing } from './warn-calendar-missing.ts'

/**
 * From 1 November (Asia/Shanghai), next year's arrangement not loaded: the same one-per-year warning as a visit
 * dated in that year raises, before any visit lands in it. Called by the sweeper every minute: one read of the
 * warning while it is there.
 */
export const warnNextYearMissing = async (deps: AppDeps) => {
  const next = yearToAskFor(businessDateOf(deps.clock.now()))
  if (next === undefined || officialCalendarYears()[next]) return undefined
  if (await raisedYearMissingWarning(deps.store, next)) return next
  await warnCalendarMissing(deps, [next])
  return next
}
