// The extra visit after a dissatisfied or high-risk outcome: same petitioner and officer, due in five working days.
import { type BusinessDate, shanghaiInstant } from '../../calendar/rules/business-time.ts'
import type { WorkingCalendar } from '../../calendar/rules/working-calendar.ts'
import { defaultCadence, type ReminderRule } from './cadence.ts'
import { extraVisitIdOf } from './ids.ts'
import { EXTRA_VISIT_WORKING_DAYS } from './outcome.ts'

/** Its due day: five working days after the day of the outcome, never on or before it. */
export const extraVisitDueDate = (outcomeDay: BusinessDate, calendar: WorkingCalendar) =>
  calendar.addWorkingDays(outcomeDay, EXTRA_VISIT_WORKING_DAYS).date

/**
 * The extra visit as it is planned: a copy of the visit it follows, due on `dueDate` at 09:00, with that visit's
 * reminders (minute-based rules, for demonstrations, would not fit a working-day date: the office's then).
 */
export const extraVisitOf = <V extends { visitId: string; reminderRules?: unknown }>(
  visit: V,
  dueDate: BusinessDate,
  now: Date,
) => {
  const own = (visit.reminderRules ?? []) as ReminderRule[]
  const reminderRules = own.every((r) => r.unit === 'workingDays') ? own : defaultCadence.resolved.reminders
  return {
    ...visit,
    visitId: extraVisitIdOf(visit.visitId),
    kind: 'extra' as const,
    dueDate,
    dueAt: shanghaiInstant(dueDate, '09:00').toISOString(),
    provisional: false,
    triggeredAt: now.toISOString(),
    offset: { unit: 'workingDays', value: EXTRA_VISIT_WORKING_DAYS },
    reminderRules,
    status: 'planned' as const,
    plannedAt: now.toISOString(),
    unreached: [],
    outcome: undefined,
    appointmentAt: undefined,
    sms: undefined,
    version: 1,
    reminderCount: reminderRules.length,
  }
}
