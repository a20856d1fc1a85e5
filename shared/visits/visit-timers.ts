// The timers of one visit: its reminders (`-r1`, `-r2`…) and its overdue ladder (`-o1` supervisor, `-o2` record).
import { PutTransaction } from 'dynamodb-toolbox'
import type { WorkingCalendar } from '../calendar/rules/working-calendar.ts'
import type { AppDeps } from '../platform/deps.ts'
import type { Store } from '../platform/table/store.ts'
import { cancelTimer, type NewTimer, timerItem } from '../scheduling/timers.ts'
import { ladderOf } from './rules/plan.ts'

export const reminderTimerId = (visitId: string, n: number) => `${visitId}-r${n}`
export const supervisorTimerId = (visitId: string) => `${visitId}-o1`
export const accountabilityTimerId = (visitId: string) => `${visitId}-o2`

export const visitTimers = (
  visit: { visitId: string; dueDate: string },
  reminders: Date[],
  calendar: WorkingCalendar,
): NewTimer[] => {
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

/** Cancels every timer a visit may have: done, cancelled or reassigned to new dates, the old ones must not fire. */
export const cancelVisitTimers = async (deps: AppDeps, visit: { visitId: string; reminderCount: number }) => {
  const ids = [
    ...Array.from({ length: visit.reminderCount }, (_, n) => reminderTimerId(visit.visitId, n + 1)),
    supervisorTimerId(visit.visitId),
    accountabilityTimerId(visit.visitId),
  ]
  await Promise.all(ids.map((id) => cancelTimer(deps, id)))
}

/**
 * The timers of a visit that moves to a new due date (rescheduled, handed over when already due), as writes for
 * the same transaction as the move: every timer it has is written again, the new ones pending at their new times
 * (a reminder already sent for the old date is sent again for the new one), the reminders it no longer needs void.
 * Nothing is left half-moved: either the visit and all its timers move, or nothing does.
 */
export const movedVisitTimers = (
  store: Store,
  shards: number,
  visit: { visitId: string; reminderCount: number },
  timers: NewTimer[],
  now: Date,
) => {
  const reminders = timers.filter((t) => t.kind === 'visit-reminder').length
  const leftOver = Array.from({ length: Math.max(0, visit.reminderCount - reminders) }, (_, n) => {
    const timerId = reminderTimerId(visit.visitId, reminders + n + 1)
    return {
      timerId,
      kind: 'visit-reminder',
      subjectId: visit.visitId,
      dueAt: now.toISOString(),
      status: 'void' as const,
      firedAt: now.toISOString(),
    }
  })
  return [
    ...timers.map((t) => store.Timer.build(PutTransaction).item(timerItem(t, shards))),
    ...leftOver.map((t) => store.Timer.build(PutTransaction).item(t)),
  ]
}
