// Planning: a trigger and a cadence policy become dated return visits, each with its reminders.
import { type BusinessDate, businessDateOf, shanghaiInstant } from '../../calendar/rules/business-time.ts'
import type { WorkingCalendar } from '../../calendar/rules/working-calendar.ts'
import type { CadencePolicy, Offset, ReminderRule } from './cadence.ts'

export interface PlannedVisit {
  sequence: number
  /** The cadence point it was planned for. */
  offset: Offset
  /**
   * Already due when planned (an event recorded late, an import, a message redriven days later): it falls due
   * CATCH_UP_WORKING_DAYS after planning instead (docs/decisions/0016-visits-already-due-when-planned.md).
   */
  catchUp: boolean
  dueDate: BusinessDate
  /** The instant the visit is due: 09:00 on its due day, or the exact minute of a minute-based offset. */
  dueAt: Date
  provisional: boolean
  reminders: Date[]
}

const OFFICE_OPENS = '09:00'

/** A visit already due when it is planned or handed to another officer falls due this many working days later. */
export const CATCH_UP_WORKING_DAYS = 5

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
 * When a visit already due at `from` (its planning, or its hand-over to another officer) falls due instead: five
 * working days later at 09:00, so that the officer has the time a visit needs and no step of the overdue ladder
 * acts on them at once. A minute-based offset (drills) counts its own minutes again from `from`.
 */
export const catchUpDue = (offset: Offset, from: Date, calendar: WorkingCalendar) => {
  if (offset.unit === 'minutes') {
    const dueAt = new Date(from.getTime() + offset.value * 60_000)
    return { dueDate: businessDateOf(dueAt), dueAt, provisional: false }
  }
  const r = calendar.addWorkingDays(businessDateOf(from), CATCH_UP_WORKING_DAYS)
  return { dueDate: r.date, dueAt: shanghaiInstant(r.date, OFFICE_OPENS), provisional: r.provisional }
}

const remindersAt = (
  reminderRules: readonly ReminderRule[],
  dueDate: BusinessDate,
  dueAt: Date,
  now: Date,
  calendar: WorkingCalendar,
) => {
  const all = [...new Set(reminderRules.map((r) => reminderAt(r, dueDate, dueAt, calendar).getTime()))].sort(
    (a, b) => a - b,
  )
  const future = all.filter((t) => t >= now.getTime())
  return (future.length > 0 || all.length === 0 ? future : [now.getTime()]).map((t) => new Date(t))
}

/**
 * One visit at `offset` from the trigger, with its reminders. One already due when it was planned (`plannedAt`)
 * falls due by catchUpDue instead. A reminder whose time has already passed is dropped, except that a visit always
 * keeps at least one reminder (then due at once).
 */
export const planVisit = (
  offset: Offset,
  reminderRules: readonly ReminderRule[],
  triggeredAt: Date,
  now: Date,
  calendar: WorkingCalendar,
  plannedAt: Date = now,
): Omit<PlannedVisit, 'sequence'> => {
  const onCadence = dueOf(offset, triggeredAt, calendar)
  const catchUp = onCadence.dueAt.getTime() <= plannedAt.getTime()
  const { dueDate, dueAt, provisional } = catchUp ? catchUpDue(offset, plannedAt, calendar) : onCadence
  const reminders = remindersAt(reminderRules, dueDate, dueAt, now, calendar)
  return { offset, catchUp, dueDate, dueAt, provisional, reminders }
}

/**
 * Every visit of the policy, dated from the trigger. The cadence points already past when the event is planned
 * collapse into one visit: the first of them, falling due by catchUpDue, unless a point still to come is due by
 * then, which is the visit that catches up. The petitioner is never told of, nor the officer held to, a past date.
 */
export const planVisits = (
  policy: CadencePolicy,
  triggeredAt: Date,
  now: Date,
  calendar: WorkingCalendar,
): PlannedVisit[] => {
  const all = policy.visits.map((offset) => planVisit(offset, policy.reminders, triggeredAt, now, calendar))
  const toCome = all.filter((v) => !v.catchUp)
  const caughtUp = all.find((v) => v.catchUp)
  const next = toCome[0]
  const kept = caughtUp && !(next && next.dueAt <= caughtUp.dueAt) ? [caughtUp, ...toCome] : toCome
  return kept.map((v, index) => ({ sequence: index + 1, ...v }))
}

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
): Date[] => remindersAt(reminderRules, dueDate, shanghaiInstant(dueDate, OFFICE_OPENS), now, calendar)
