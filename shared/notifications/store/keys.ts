// The notification's index keys: the sweeper's in-flight list (gsi2) and the regions' lists of notifications to
// reconcile (gsi3). Both sparse: written with a status that belongs in the list, removed with one that does not.
import { createHash } from 'node:crypto'
import { regionIndexKeys } from '../../access/rules/region-scope.ts'

/**
 * Partitions of the in-flight list. Fixed, not TIMER_SHARDS: a change of that setting must not hide entries written
 * under another shard count. Notifications are few next to timers; four partitions spread the writes of a burst.
 */
export const IN_FLIGHT_SHARDS = 4

const IN_FLIGHT_PREFIX = 'SMS-INFLIGHT#'

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

const UNKNOWN_SUFFIX = '#SMS-UNKNOWN'

/** The partition of a province's list of notifications logged `unknown`. */
export const unknownPartition = (regionCode: string) =>
  `${regionIndexKeys(regionCode).partition}${UNKNOWN_SUFFIX}`

/** Where a notification logged `unknown` sits in its province's list of notifications to reconcile (gsi3, sparse). */
export const unknownIndexKeys = (regionCode: string, notificationId: string) => ({
  gsi3pk: unknownPartition(regionCode),
  gsi3sk: `${regionIndexKeys(regionCode).sortPrefix}#${notificationId}`,
})
