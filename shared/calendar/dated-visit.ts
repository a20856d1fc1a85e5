// The dates of a visit counted from its trigger on a calendar, and the years not loaded they depend on: for the
// planner and a reschedule as for the recompute when a year is loaded.
import type { Offset, ReminderRule } from '../visits/rules/cadence.ts'
import { planVisit } from '../visits/rules/plan.ts'
import { visitTimers } from '../visits/rules/visit-timers.ts'
import { businessDateOf } from './rules/business-time.ts'
import type { WorkingCalendar } from './rules/working-calendar.ts'

/**
 * Every date of a visit counted from its trigger on a calendar: its due date, all its reminders (none dropped for
 * being past) and its overdue ladder, with the years not loaded that any of them was counted across or into. The
 * visit is provisional when there is one; it is marked under each (`provisionalMarks`), and recomputed when each
 * is loaded. For the planner and a reschedule as for a recompute.
 */
export const datedVisit = (
  visit: {
    visitId: string
    offset: Offset
    reminderRules: ReminderRule[]
    triggeredAt: string
    /** When it was planned: a visit already due then was given five working days from then (decision 0016). */
    plannedAt: string
  },
  calendar: WorkingCalendar,
) => {
  const plan = planVisit(
    visit.offset,
    visit.reminderRules,
    new Date(visit.triggeredAt),
    new Date(0),
    calendar,
    new Date(visit.plannedAt),
  )
  const timers = visitTimers({ visitId: visit.visitId, dueDate: plan.dueDate }, plan.reminders, calendar)
  const dates = [plan.dueDate, ...timers.map((t) => businessDateOf(t.dueAt))]
  // Counted across a year not loaded without landing in it (a working-day offset from a year not loaded).
  if (plan.provisional) dates.push(businessDateOf(new Date(visit.triggeredAt)))
  const unloadedYears = calendar.unloadedYears(dates)
  return { plan, timers, unloadedYears, provisional: unloadedYears.length > 0 }
}
