// Notifications in flight: those whose queue message should be on its way, in the sweeper's sparse index (gsi2).
import { createHash } from 'node:crypto'

/**
 * Partitions of the in-flight list. Fixed, not TIMER_SHARDS: a change of that setting must not hide entries written
 * under another shard count. Notifications are few next to timers; four partitions spread the writes of a burst.
 */
export const IN_FLIGHT_SHARDS = 4

export const IN_FLIGHT_PREFIX = 'SMS-INFLIGHT#'

export const inFlightPartition = (shard: number) => `${IN_FLIGHT_PREFIX}${String(shard).padStart(2, '0')}`

const shardOf = (notificationId: string) =>
  createHash('sha1').update(notificationId).digest().readUInt32BE(0) % IN_FLIGHT_SHARDS

/**
 * Where a notification sits while a message of it should be on its way: its shard, sorted by the time that message
 * is due (now, or the end of a back-off). Written with every change into `queued`, `retrying` or `sending`, removed
 * with every change out of them.
 */
export const inFlightKeys = (notificationId: string, messageDueAt: Date) => ({
  gsi2pk: inFlightPartition(shardOf(notificationId)),
  gsi2sk: `${messageDueAt.toISOString()}#${notificationId}`,
})

/** The statuses in which a queue message of the notification should be on its way. */
export const inFlightStatuses = ['queued', 'retrying', 'sending'] as const
