// The timers of one visit: its reminders and its overdue ladder, dated; and the reminders a move leaves over.
import type { WorkingCalendar } from '../../calendar/rules/working-calendar.ts'
import type { TimerKind } from '../../scheduling/rules/timers.ts'
import { accountabilityTimerId, reminderTimerId, supervisorTimerId } from './ids.ts'
import { ladderOf } from './plan.ts'

/** A timer to write with the change that needs it. */
export interface VisitTimer {
  timerId: string
  kind: TimerKind
  subjectId: string
  dueAt: Date
}

export const visitTimers = (
  visit: { visitId: string; dueDate: string },
  reminders: Date[],
  calendar: WorkingCalendar,
): VisitTimer[] => {
  const ladder = ladderOf(visit.dueDate, calendar)
  return [
    ...reminders.map((dueAt, n) => ({
      timerId: reminderTimerId(visit.visitId, n + 1),
      kind: 'visit-reminder' as const,
      subjectId: visit.visitId,
      dueAt,
    })),
    {
      timerId: supervisorTimerId(visit.visitId),
      kind: 'visit-overdue-supervisor',
      subjectId: visit.visitId,
      dueAt: ladder.supervisorAt,
    },
    {
      timerId: accountabilityTimerId(visit.visitId),
      kind: 'visit-overdue-accountability',
      subjectId: visit.visitId,
      dueAt: ladder.accountabilityAt,
    },
  ]
}

/**
 * The reminders a visit moved to a new due date no longer needs (it had more than the new date gives it): written
 * void with the move, so that none of them fires for the old date.
 */
export const leftOverReminders = (
  visit: { visitId: string; reminderCount: number },
  timers: readonly VisitTimer[],
  now: Date,
) => {
  const reminders = timers.filter((t) => t.kind === 'visit-reminder').length
  return Array.from({ length: Math.max(0, visit.reminderCount - reminders) }, (_, n) => ({
    timerId: reminderTimerId(visit.visitId, reminders + n + 1),
    kind: 'visit-reminder',
    subjectId: visit.visitId,
    dueAt: now.toISOString(),
    status: 'void' as const,
    firedAt: now.toISOString(),
  }))
}
