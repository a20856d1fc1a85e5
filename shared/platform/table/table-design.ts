// The table's keys, indexes and stream, declared once: the store, local mode and the CDK stack all read this.

export const tableDesign = {
  partitionKey: { name: 'pk', type: 'string' },
  sortKey: { name: 'sk', type: 'string' },
  indexes: {
    /** Lists by owner: officers of a unit, visits of an officer, local SMS. */
    gsi1: {
      type: 'global',
      partitionKey: { name: 'gsi1pk', type: 'string' },
      sortKey: { name: 'gsi1sk', type: 'string' },
    },
    /**
     * A region's SMS of unknown fate, sparse (`REGION#33#SMS-UNKNOWN`): by province (2-digit prefix), sorted by the
     * 12-digit region code, so that a region's are one `begins_with` range. (The boards read gsi4 and gsi6.)
     */
    gsi3: {
      type: 'global',
      partitionKey: { name: 'gsi3pk', type: 'string' },
      sortKey: { name: 'gsi3sk', type: 'string' },
    },
    /**
     * The sweeper's index, sparse. Timers by due minute bucket and shard (`DUE#2026-11-25T09:00#07`): only timers
     * still to fire. Notifications in flight by shard (`SMS-INFLIGHT#03`, sorted by the time their queue message is
     * due): only those `queued`, `retrying` or `sending`, so that one whose message was lost is queued again.
     */
    gsi2: {
      type: 'global',
      partitionKey: { name: 'gsi2pk', type: 'string' },
      sortKey: { name: 'gsi2sk', type: 'string' },
    },
    /**
     * Region boards by month, sharded: visits by the month of their due day, flags by the month they were raised,
     * ledger entries by the month they were recorded (`VISITS#33#2026-03#02`, months in Asia/Shanghai), each sorted
     * by the 12-digit region code, then the instant and the id, so that a region's items of a month are one
     * `begins_with` range in each of `regionMonthShards` partitions.
     */
    gsi4: {
      type: 'global',
      partitionKey: { name: 'gsi4pk', type: 'string' },
      sortKey: { name: 'gsi4sk', type: 'string' },
    },
    /** Item collections: a matter's visits (`MATTER#c-1#VISITS`), by due time. */
    gsi5: {
      type: 'global',
      partitionKey: { name: 'gsi5pk', type: 'string' },
      sortKey: { name: 'gsi5sk', type: 'string' },
    },
    /**
     * Where a visit stands, sparse: open visits by province and shard (`OPEN#33#01`), whatever their month, so that
     * those overdue now are found without a month; completed ones by the month they were completed
     * (`DONE#33#2026-03#01`); cancelled ones not at all. Sorted like gsi4.
     */
    gsi6: {
      type: 'global',
      partitionKey: { name: 'gsi6pk', type: 'string' },
      sortKey: { name: 'gsi6sk', type: 'string' },
    },
  },
  /** Item attribute holding the entity name; the stream filter selects outbox items by it. */
  entityAttribute: '_et',
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
} as const

export type IndexName = keyof typeof tableDesign.indexes

/** The stream consumer only sees new outbox items: the same filter in CDK and in the local stream poller. */
export const outboxStreamFilter = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { _et: { S: ['Outbox'] } } },
} as const
