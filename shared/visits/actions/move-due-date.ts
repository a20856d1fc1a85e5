// The step a reschedule and a late hand-over share: a visit moves to a new due date with its reminders and overdue
// ladder, in one transaction with the writes that go with it (audit, ledger, flag). Nothing is left half-moved.
import type { AppDeps } from '../../platform/deps.ts'
import { visitPorts } from '../ports.ts'
import type { ReminderRule } from '../rules/cadence.ts'
import { remindersFor } from '../rules/plan.ts'
import { leftOverReminders, visitTimers } from '../rules/visit-timers.ts'
import { timerWrites } from '../store/records.ts'
import { saveVisits, type Visit, type VisitChange } from '../store/visits.ts'
import { commitVisitChange, type Write } from '../store/writes.ts'

/**
 * Every timer the visit has is written again: the new ones pending at their new times (a reminder already sent for
 * the old date is sent again for the new one), the reminders it no longer needs void. A timer moved into a minute the
 * sweeper has already read is sent at once.
 */
export const moveDueDate = async (
  deps: AppDeps,
  visit: Visit,
  to: { dueDate: string; dueAt: Date },
  change: VisitChange,
  writes: Write[],
) => {
  const { store, clock, config } = deps
  const ports = visitPorts(deps)
  const now = clock.now()
  const calendar = await ports.calendar()
  const reminders = remindersFor(to.dueDate, visit.reminderRules as ReminderRule[], now, calendar)
  const timers = visitTimers({ visitId: visit.visitId, dueDate: to.dueDate }, reminders, calendar)
  await commitVisitChange(visit.visitId, [
    ...saveVisits(store, {
      changed: [
        {
          visit,
          change: {
            ...change,
            dueDate: to.dueDate,
            dueAt: to.dueAt.toISOString(),
            // A date a person chose, or counted from today: not provisional, so loading its year leaves it (the
            // recompute passes over a visit that is not).
            provisional: false,
            reminderCount: Math.max(visit.reminderCount, reminders.length),
          },
        },
      ],
    }),
    ...timerWrites(store, config.TIMER_SHARDS, timers, leftOverReminders(visit, timers, now)),
    ...writes,
  ])
  await ports.enqueueIfSwept(timers)
}
