// The sweeper's minute: due timers into the timers queue, lost ones sent again, hopeless ones given up.
import pMap from 'p-map'
import type { AppDeps } from '../../platform/deps.ts'
import {
  failedTimerMessage,
  MAX_TIMER_SENDS,
  minuteOf,
  minutesBetween,
  sweepWindow,
} from '../rules/timers.ts'
import {
  advanceWatermark,
  type DueTimer,
  giveUpTimer,
  sweptThrough,
  timersDueIn,
  timersDueThrough,
} from '../store.ts'
import { CLAIM_CONCURRENCY, enqueueTimers } from './enqueue.ts'

/**
 * After a long gap (an outage of hours, a drill that jumps days) reading every minute bucket costs more than one
 * scan of the due index, which is sparse: it holds only timers not yet fired.
 */
const CATCH_UP_SCAN_ABOVE_BUCKETS = 1000

export interface SweepReport {
  from: string
  through: string
  enqueued: number
  reswept: number
  /** Timers sent MAX_TIMER_SENDS times without being acted on, now `failed`. */
  failed: number
}

/**
 * Gives up timers sent MAX_TIMER_SENDS times without being acted on: `failed`, out of the due index, one warning to
 * administrators each. If the write fails, the timer stays `enqueued` in its recheck bucket and the next sweep gives
 * it up. A message of it redriven from the dead-letter queue after the fault is fixed still fires it.
 */
const giveUp = async (deps: AppDeps, timers: DueTimer[]) => {
  const { store, clock } = deps
  const now = clock.now()
  const given = await pMap(
    timers,
    async (timer) => {
      if (!(await giveUpTimer(store, timer, { message: failedTimerMessage(timer), raisedAt: now })))
        return false
      deps.logger.error('timer given up after repeated sends', {
        timerId: timer.timerId,
        attempts: timer.attempts,
      })
      return true
    },
    { concurrency: CLAIM_CONCURRENCY },
  )
  return given.filter(Boolean).length
}

/**
 * Reads every shard of every minute bucket of the sweep window. Pending timers are enqueued; enqueued ones whose
 * recheck minute has come (not acted on by due + 5 minutes: the queue may have lost the message) are sent again.
 */
export const sweepDueTimers = async (deps: AppDeps): Promise<SweepReport> => {
  const { store, clock, config } = deps
  const now = clock.now()
  const previous = await sweptThrough(store)
  const { from, through } = sweepWindow(now, previous)
  const buckets = minutesBetween(from, through).flatMap((minute) =>
    Array.from({ length: config.TIMER_SHARDS }, (_, shard) => ({ minute, shard })),
  )
  // The first sweep of a table reads the whole due index, not only its last minutes: a timer written before it
  // (an event recorded weeks late, planned before the sweeper's first run) would otherwise never be read, and its
  // visit would stay overdue with no flag, no record and no warning.
  const found =
    !previous || buckets.length > CATCH_UP_SCAN_ABOVE_BUCKETS
      ? await timersDueThrough(store, through)
      : (
          await pMap(buckets, (b) => timersDueIn(store, b.minute, b.shard), {
            concurrency: CLAIM_CONCURRENCY,
          })
        ).flat()
  const pending = found.filter((t) => t.status === 'pending')
  const current = minuteOf(now)
  const stale = found.filter((t) => t.status === 'enqueued' && (t.bucketMinute ?? '') <= current)
  const exhausted = stale.filter((t) => (t.attempts ?? 0) >= MAX_TIMER_SENDS)
  const enqueued = await enqueueTimers(deps, pending)
  const reswept = await enqueueTimers(
    deps,
    stale.filter((t) => (t.attempts ?? 0) < MAX_TIMER_SENDS),
  )
  const failed = exhausted.length > 0 ? await giveUp(deps, exhausted) : 0
  if (reswept > 0) deps.logger.warn('timers not acted on by due + 5 minutes were enqueued again', { reswept })

  await advanceWatermark(store, through, now)
  return { from, through, enqueued, reswept, failed }
}
