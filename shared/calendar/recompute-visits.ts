// The recompute of a provisional visit when its year is loaded: it rewrites the visit (through the visits' store,
// which keeps its index keys) and its timers, which are not the calendar's. Kept in this one file, behind the ProvisionalVisits port (ports.ts), until the visits
// offer it as an action of their own.
import { auditSubject, auditTransaction, isConditionRefusal } from '../platform/audit.ts'
import type { AppDeps } from '../platform/deps.ts'
import { type NewTimer, timerById } from '../scheduling/store.ts'
import { moveTimerWrite, newTimerWrite, voidTimerWrite } from '../scheduling/timer-writes.ts'
import { enqueueIfSwept } from '../scheduling/timers.ts'
import type { Offset, ReminderRule } from '../visits/rules/cadence.ts'
import { findVisit, redatedVisitWrite, visitUnchangedCheck } from '../visits/store/visits.ts'
import { warnCalendarMissing } from './actions/warn-calendar-missing.ts'
import { datedVisit } from './dated-visit.ts'
import type { ProvisionalVisits } from './ports.ts'
import type { WorkingCalendar } from './rules/working-calendar.ts'
import { dropProvisionalMark, executeWrites, provisionalMarks, type WriteItem } from './store.ts'

const ACTIVE: readonly string[] = ['pending', 'enqueued']

const recomputeOnce = async (deps: AppDeps, calendar: WorkingCalendar, visitId: string, markYear: string) => {
  const { store, clock, config } = deps
  const dropMark = dropProvisionalMark(store, markYear, visitId)
  const visit = await findVisit(store, visitId, { consistent: true })
  // Done, cancelled, or moved to a date a person chose (a reschedule, a hand-over: no longer provisional): nothing
  // of it is counted from its trigger any more, and a recompute would undo the move.
  if (visit?.status !== 'planned' || !visit.provisional) {
    await executeWrites([dropMark])
    return false
  }
  const now = clock.now()
  const dated = datedVisit(
    {
      visitId,
      offset: visit.offset as Offset,
      reminderRules: visit.reminderRules as ReminderRule[],
      triggeredAt: visit.triggeredAt,
      plannedAt: visit.plannedAt,
    },
    calendar,
  )
  const { plan } = dated
  const reminders = dated.timers.filter((t) => t.kind === 'visit-reminder')
  const reminderCount = Math.max(reminders.length, visit.reminderCount)
  // Reminders past the new plan's count are cancelled; all the others (and the ladder) move to their new time.
  const wanted: (NewTimer | { timerId: string; cancel: true })[] = [
    ...dated.timers,
    ...Array.from({ length: reminderCount - reminders.length }, (_, n) => ({
      timerId: `${visitId}-r${reminders.length + n + 1}`,
      cancel: true as const,
    })),
  ]
  const existing = await Promise.all(wanted.map((t) => timerById(store, t.timerId, { consistent: true })))
  const moved: NewTimer[] = []
  const timerWrites = wanted.flatMap((t, i): WriteItem[] => {
    const current = existing[i]
    const active = current !== undefined && ACTIVE.includes(current.status)
    if ('cancel' in t) return active ? [voidTimerWrite(store, t.timerId, current.dueAt, now)] : []
    if (!current) {
      // A reminder the old dates did not have, or a ladder step never written: new, unless its time has passed.
      if (t.kind === 'visit-reminder' && t.dueAt.getTime() < now.getTime()) return []
      moved.push(t)
      return [newTimerWrite(store, t, config.TIMER_SHARDS)]
    }
    if (!active || Date.parse(current.dueAt) === t.dueAt.getTime()) return [] // fired already, or not moved
    moved.push(t)
    return [moveTimerWrite(store, t, current.dueAt, config.TIMER_SHARDS)]
  })
  const after = {
    dueDate: plan.dueDate,
    dueAt: plan.dueAt.toISOString(),
    provisional: dated.provisional,
    reminderCount,
  }
  const visitChanged =
    after.dueDate !== visit.dueDate ||
    after.dueAt !== visit.dueAt ||
    after.provisional !== visit.provisional ||
    after.reminderCount !== visit.reminderCount ||
    timerWrites.length > 0
  const marks: WriteItem[] = [
    ...(dated.unloadedYears.includes(markYear) ? [] : [dropMark]),
    ...provisionalMarks(store, visitId, dated.unloadedYears),
  ]
  const writes: WriteItem[] = [
    ...(visitChanged
      ? [
          redatedVisitWrite(store, visit, after),
          auditTransaction(store, {
            subject: auditSubject('visit', visitId),
            actor: 'calendar',
            action: 'visit.recomputed',
            regionCode: visit.regionCode,
            at: now,
            before: { dueDate: visit.dueDate, provisional: visit.provisional },
            after: {
              dueDate: after.dueDate,
              provisional: after.provisional,
              timers: moved.map((t) => ({ timerId: t.timerId, dueAt: t.dueAt.toISOString() })),
            },
          }),
        ]
      : [visitUnchangedCheck(store, visit)]),
    ...timerWrites,
    ...marks,
  ]
  await executeWrites(writes)
  if (moved.length > 0) await enqueueIfSwept(deps, moved)
  await warnCalendarMissing(deps, dated.unloadedYears)
  return after.dueDate !== visit.dueDate
}

/**
 * Recomputes one visit marked under `markYear` with the calendar now loaded: its due date, every reminder and its
 * overdue ladder move in one transaction with the visit, its audit entry and its marks (the year's mark removed,
 * one put for each year still not loaded). A timer fired already is left as it is; one moved meanwhile, or a visit
 * changed meanwhile, refuses the transaction, and the visit is read again and recomputed. Stopped half-way, nothing
 * is written and the mark is still there: the sweeper resumes it (resumeRecomputes).
 */
export const provisionalVisits: ProvisionalVisits = {
  recompute: async (deps, calendar, visitId, markYear) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await recomputeOnce(deps, calendar, visitId, markYear)
      } catch (error) {
        if (!isConditionRefusal(error) || attempt >= 5) throw error
      }
    }
  },
}
