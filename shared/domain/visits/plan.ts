// Planning: a trigger and a cadence policy become dated return visits, each with its reminders.
import { type BusinessDate, businessDateOf, shanghaiInstant } from '../scheduling/business-time.ts'
import type { WorkingCalendar } from '../scheduling/working-calendar.ts'
import type { CadencePolicy, Offset, ReminderRule } from './cadence.ts'

export interface PlannedVisit {
  sequence: number
  dueDate: BusinessDate
  /** The instant the visit is due: 09:00 on its due day, or the exact minute of a minute-based offset. */
  dueAt: Date
  provisional: boolean
  reminders: Date[]
}

const OFFICE_OPENS = '09:00'

const dueOf = (offset: Offset, triggeredAt: Date, calendar: WorkingCalendar) => {
  const day = businessDateOf(triggeredAt)
  switch (offset.unit) {
    case 'minutes': {
      const dueAt = new Date(triggeredAt.getTime() + offset.value * 60_000)
      return { dueDate: businessDateOf(dueAt), dueAt, provisional: false }
    }
    case 'workingDays': {
      const r = calendar.addWorkingDays(day, offset.value)
      return { dueDate: r.date, dueAt: shanghaiInstant(r.date, OFFICE_OPENS), provisional: r.provisional }
    }
    case 'calendarDays': {
      const r = calendar.addCalendarDays(day, offset.value)
      return { dueDate: r.date, dueAt: shanghaiInstant(r.date, OFFICE_OPENS), provisional: r.provisional }
    }
  }
}

const reminderAt = (
  rule: ReminderRule,
  dueDate: BusinessDate,
  dueAt: Date,
  calendar: WorkingCalendar,
): Date =>
  rule.unit === 'minutes'
    ? new Date(dueAt.getTime() - rule.before * 60_000)
    : shanghaiInstant(calendar.addWorkingDays(dueDate, -rule.before).date, rule.at)

/**
 * One visit at `offset` from the trigger, with its reminders. A reminder whose time has already passed is dropped,
 * except that a visit always keeps at least one reminder (then due at once).
 */
export const planVisit = (
  offset: Offset,
  reminderRules: readonly ReminderRule[],
  triggeredAt: Date,
  now: Date,
  calendar: WorkingCalendar,
): Omit<PlannedVisit, 'sequence'> => {
  const { dueDate, dueAt, provisional } = dueOf(offset, triggeredAt, calendar)
  const all = [...new Set(reminderRules.map((r) => reminderAt(r, dueDate, dueAt, calendar).getTime()))].sort(
    (a, b) => a - b,
  )
  const future = all.filter((t) => t >= now.getTime())
  const reminders = future.length > 0 || all.length === 0 ? future : [now.getTime()]
  return { dueDate, dueAt, provisional, reminders: reminders.map((t) => new Date(t)) }
}

/** Every visit of the policy, dated from the trigger. */
export const planVisits = (
  policy: CadencePolicy,
  triggeredAt: Date,
  now: Date,
  calendar: WorkingCalendar,
): PlannedVisit[] =>
  policy.visits.map((offset, index) => ({
    sequence: index + 1,
    ...planVisit(offset, policy.reminders, triggeredAt, now, calendar),
  }))

/** The overdue ladder of a visit: its supervisor is told one working day after it is due, and an accountability
 * record is made five working days after it is due (09:00 both). */
export const ladderOf = (dueDate: BusinessDate, calendar: WorkingCalendar) => ({
  supervisorAt: shanghaiInstant(calendar.addWorkingDays(dueDate, 1).date, OFFICE_OPENS),
  accountabilityAt: shanghaiInstant(calendar.addWorkingDays(dueDate, 5).date, OFFICE_OPENS),
})

/** Reminders for a visit due on a given day (an extra or rescheduled visit), by the office's rules. */
export const remindersFor = (
  dueDate: BusinessDate,
  reminderRules: readonly ReminderRule[],
  now: Date,
  calendar: WorkingCalendar,
): Date[] => {
  const dueAt = shanghaiInstant(dueDate, OFFICE_OPENS)
  const all = [...new Set(reminderRules.map((r) => reminderAt(r, dueDate, dueAt, calendar).getTime()))].sort(
    (a, b) => a - b,
  )
  const future = all.filter((t) => t >= now.getTime())
  return (future.length > 0 || all.length === 0 ? future : [now.getTime()]).map((t) => new Date(t))
}
