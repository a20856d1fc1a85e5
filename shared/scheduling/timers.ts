// The timer operations other contexts use: a timer is written with the change that needs it (`timerItem` in their
// transaction, then `enqueueIfSwept`), and cancelled, moved or closed when what it is about changes.
import type { AppDeps } from '../platform/deps.ts'
import { enqueueTimers } from './actions/enqueue.ts'
import type { ConsumerTimers } from './ports.ts'
import { dueInSweptWindow } from './rules/timers.ts'
import { type NewTimer, sweptThrough, timerById } from './store.ts'
import { endTimer, moveTimer, putBackToPending } from './timer-writes.ts'

export { type NewTimer, timerItem } from './store.ts'

export const getTimer = ({ store }: AppDeps, timerId: string) => timerById(store, timerId)

/** The stored timers, as the timer consumer reads them. */
export const storedTimers = (deps: AppDeps): ConsumerTimers => ({
  get: (timerId) => getTimer(deps, timerId),
  returnToPending: (timer) => returnToPending(deps, timer),
})

/**
 * Timers written inside a window the sweeper has already read are enqueued at once. Their send count is the stored
 * one: the claim adds to it (a new timer has none; a rescheduled one was reset to 0).
 */
export const enqueueIfSwept = async (deps: AppDeps, timers: Pick<NewTimer, 'timerId' | 'dueAt'>[]) => {
  const swept = await sweptThrough(deps.store)
  // Before the first sweep: it reads every timer due, however old (see sweepDueTimers).
  if (!swept) return 0
  const late = timers
    .filter((t) => dueInSweptWindow(t.dueAt, swept))
    .map((t) => ({ timerId: t.timerId, dueAt: t.dueAt.toISOString(), status: 'pending' }))
  return late.length > 0 ? enqueueTimers(deps, late) : 0
}

/** Cancels a timer that has not fired: it leaves the due index, and a message already on its way does nothing. */
export const cancelTimer = async (deps: AppDeps, timerId: string) => closeTimer(deps, timerId, 'void')

/**
 * Moves a timer that has not fired to a new due time. A message already enqueued for the old time is ignored by
 * the consumer (its `dueAt` no longer matches); the sweeper enqueues the timer again for the new time. Its send
 * count starts again from 0: MAX_TIMER_SENDS counts the sends for one due time.
 */
export const rescheduleTimer = async (deps: AppDeps, timerId: string, dueAt: Date) => {
  const moved = await moveTimer(deps.store, timerId, dueAt, deps.config.TIMER_SHARDS)
  if (!moved) return false // fired or void already
  await enqueueIfSwept(deps, [{ timerId, dueAt }])
  return true
}

/**
 * A timer delivered before it is due (its delay was capped) goes back to pending in its due bucket: the sweep
 * re-reads the last minutes and sends it again with the delay it needs. That early send is taken off its send
 * count: it was not a failure to act, and must not bring the timer nearer to being given up.
 */
export const returnToPending = async (
  { store, config }: AppDeps,
  timer: { timerId: string; dueAt: string },
) => {
  await putBackToPending(store, timer, config.TIMER_SHARDS)
}

/**
 * Ends a timer (fired, or void when what it was about no longer applies) and takes it out of the due index. A
 * `failed` timer can still end this way: its message redriven from the dead-letter queue once the fault is fixed.
 */
export const closeTimer = (
  { store, clock }: AppDeps,
  timerId: string,
  status: 'fired' | 'void',
  /** The due time it was fired for: a timer moved since (its visit moved) is not closed for its new time. */
  dueAt?: string,
) => endTimer(store, timerId, { status, at: clock.now(), dueAt })
