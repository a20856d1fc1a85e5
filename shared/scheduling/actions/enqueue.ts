// Sending timers to the timers queue: each claimed first (so that two sweepers send it once), then sent with the
// delay it still needs. The sweep and a timer written inside a window already swept both send this way.
import pMap from 'p-map'
import type { AppDeps } from '../../platform/deps.ts'
import { timerQueueOf } from '../ports.ts'
import { delaySecondsUntil, recheckAt } from '../rules/timers.ts'
import { claimTimer, type DueTimer } from '../store.ts'

/** Conditional writes in flight at once: DynamoDB Local peaks near 16, DynamoDB itself goes far higher. */
export const CLAIM_CONCURRENCY = 16

/**
 * Claims each timer (pending → enqueued, or enqueued again when its recheck time has come), moving it to its
 * recheck bucket, then sends the claimed ones with their delay. A timer another sweeper claimed, or that changed
 * meanwhile, is not sent. The number sent.
 */
export const enqueueTimers = async (
  deps: AppDeps,
  timers: readonly Pick<DueTimer, 'timerId' | 'dueAt' | 'status' | 'enqueuedAt'>[],
  queue = timerQueueOf(deps),
) => {
  const { store, clock, config } = deps
  const now = clock.now()
  const claimedOrNot = await pMap(
    timers,
    async (timer) =>
      (await claimTimer(store, timer, {
        now,
        recheckAt: recheckAt(timer.dueAt, now),
        shards: config.TIMER_SHARDS,
      }))
        ? timer
        : undefined,
    { concurrency: CLAIM_CONCURRENCY },
  )
  const claimed = claimedOrNot.filter((t) => t !== undefined)
  const batches = Array.from({ length: Math.ceil(claimed.length / 10) }, (_, i) =>
    claimed.slice(i * 10, i * 10 + 10),
  )
  await pMap(
    batches,
    async (batch) => {
      // The delay is counted from the moment of sending, not from the start of the sweep: claiming a thousand
      // timers takes about a second, and every message would arrive that much late.
      const sentAt = clock.now()
      const result = await queue.sendBatch(
        batch.map((t) => ({
          message: { timerId: t.timerId, dueAt: t.dueAt },
          delaySeconds: delaySecondsUntil(new Date(t.dueAt), sentAt, config.QUEUE_DELAY_CAP_SECONDS),
        })),
      )
      // A failed entry stays `enqueued` in its recheck bucket and is sent again from there.
      for (const failed of result.failed) {
        deps.logger.warn('timer not enqueued; it will be swept again', { code: failed.code, id: failed.id })
      }
    },
    { concurrency: 4 },
  )
  return claimed.length
}
