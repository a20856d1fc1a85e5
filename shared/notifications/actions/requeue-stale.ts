// Notifications whose queue message was lost are queued again, as stale timers are: nothing stays `queued` (or
// `retrying`, or `sending`) without a message on its way.
import pMap from 'p-map'
import type { AppDeps } from '../../platform/deps.ts'
import { sendMessage } from '../ports.ts'
import { isInFlight } from '../rules/delivery.ts'
import { IN_FLIGHT_SHARDS } from '../store/keys.ts'
import { claimInFlight, inFlightNotifications } from '../store/notifications.ts'

/**
 * A notification still in flight this long after its message was due is queued again. Its message may have been lost
 * (a crash between the write and the send, a queue that lost its messages on a restart, a send refused after a
 * release from quiet hours); or it is still waiting in a long queue, when the extra message costs one idempotent
 * dispatch. Ten minutes: a dispatcher runs for at most 30 seconds, and a burst of thousands of reminders at the
 * send-rate limit drains within about that.
 */
export const REQUEUE_AFTER_MINUTES = 10

/** At most this many per sweep (the sweeper has 50 seconds); the rest wait for the next minute. */
const MAX_PER_SWEEP = 2000

export interface RequeueReport {
  /** Notifications found in flight past their time, and queued again. */
  requeued: number
}

/**
 * Finds the notifications in flight whose message was due REQUEUE_AFTER_MINUTES ago or more, in every shard of the
 * sweeper's in-flight list, and sends each a new message (a fresh `delivery`: the dispatcher runs it; it acts on the
 * notification's stored status, so that one already sent is left alone, one `sending` is reconciled or logged
 * `unknown`, never resent blindly). Each is claimed first by moving its entry to now, conditionally on the entry
 * read: two sweepers racing send one message, and the next requeue of the same notification comes no sooner than
 * REQUEUE_AFTER_MINUTES later.
 */
export const requeueStaleNotifications = async (deps: AppDeps): Promise<RequeueReport> => {
  const { store, clock, logger } = deps
  const now = clock.now()
  const cutoff = new Date(now.getTime() - REQUEUE_AFTER_MINUTES * 60_000).toISOString()
  const found = (
    await pMap(
      Array.from({ length: IN_FLIGHT_SHARDS }, (_, shard) => shard),
      (shard) => inFlightNotifications(store, shard, cutoff),
      { concurrency: IN_FLIGHT_SHARDS },
    )
  )
    .flat()
    .filter((n) => isInFlight(n.status))
    .slice(0, MAX_PER_SWEEP)

  const claimed = await pMap(
    found,
    async (n) => {
      // Refused: dispatched meanwhile, or another sweeper claimed it.
      if (!(await claimInFlight(store, n, now))) return undefined
      await sendMessage(deps, { notificationId: n.notificationId, delivery: `requeue-${now.toISOString()}` })
      return n
    },
    { concurrency: 16 },
  )
  const requeued = claimed.filter((n) => n !== undefined)
  if (requeued.length > 0) {
    logger.warn('notifications in flight without a message were queued again', {
      requeued: requeued.length,
      notifications: requeued
        .slice(0, 20)
        .map((n) => ({ notificationId: n.notificationId, status: n.status })),
    })
  }
  return { requeued: requeued.length }
}
