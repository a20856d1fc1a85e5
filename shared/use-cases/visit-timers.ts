// The timers of one visit: its reminders (`-r1`, `-r2`…) and its overdue ladder (`-o1` supervisor, `-o2` record).

import type { AppDeps } from '../deps.ts'
import type { WorkingCalendar } from '../domain/scheduling/working-calendar.ts'
import { ladderOf } from '../domain/visits/plan.ts'
import { cancelTimer, type NewTimer } from './timers.ts'

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
