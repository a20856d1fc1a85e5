// What visits need from other contexts and the world: SMS through the notifications queue, timers of the due-work
// engine, the working-day calendar, the clock. Bound to the deps here, so that an action names what it uses.

import { warnCalendarMissing } from '../calendar/actions/warn-calendar-missing.ts'
import { workingCalendar } from '../calendar/reader.ts'
import type { WorkingCalendar } from '../calendar/rules/working-calendar.ts'
import { provisionalMarks } from '../calendar/store.ts'
import { type NotificationRequest, queueNotification } from '../notifications/actions/queue-notification.ts'
import type { AppDeps } from '../platform/deps.ts'
import { cancelTimer, closeTimer, enqueueIfSwept, getTimer } from '../scheduling/timers.ts'
import type { VisitTimer } from './rules/visit-timers.ts'
import type { Write } from './store/writes.ts'

export interface VisitPorts {
  /** Queues an SMS (to an officer or a petitioner); a second call with the same id sends it once. */
  notify(request: NotificationRequest): Promise<void>
  /** Timers written with a change: those whose minute the sweeper has already read are enqueued now. */
  enqueueIfSwept(timers: readonly Pick<VisitTimer, 'timerId' | 'dueAt'>[]): Promise<void>
  /** Timers that must no longer fire (their visit done, cancelled or moved). */
  cancelTimers(timerIds: readonly string[]): Promise<void>
  /** Ends a timer that has acted (`fired`) or found nothing to do (`void`), for the due time it fired for. */
  closeTimer(timerId: string, status: 'fired' | 'void', dueAt: string): Promise<void>
  /** The due time a timer now has (a move changes it), if it exists. */
  timerDueAt(timerId: string): Promise<string | undefined>
  /** The working-day calendar, with the years loaded so far. */
  calendar(): Promise<WorkingCalendar>
  /** Visits dated in years not loaded yet: marks to recompute them when a year is loaded, and a warning. */
  provisionalMarks(visitId: string, years: readonly string[]): Write[]
  warnCalendarMissing(years: string[]): Promise<void>
}

export const visitPorts = (deps: AppDeps): VisitPorts => ({
  notify: (request) => queueNotification(deps, request),
  enqueueIfSwept: async (timers) => {
    await enqueueIfSwept(deps, [...timers])
  },
  cancelTimers: async (timerIds) => {
    await Promise.all(timerIds.map((id) => cancelTimer(deps, id)))
  },
  closeTimer: async (timerId, status, dueAt) => {
    await closeTimer(deps, timerId, status, dueAt)
  },
  timerDueAt: async (timerId) => (await getTimer(deps, timerId))?.dueAt,
  calendar: () => workingCalendar(deps),
  provisionalMarks: (visitId, years) => provisionalMarks(deps.store, visitId, years),
  warnCalendarMissing: (years) => warnCalendarMissing(deps, years),
})
