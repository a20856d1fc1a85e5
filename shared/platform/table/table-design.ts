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
     * Region boards: visits, flags and the accountability ledger by province (2-digit prefix), sorted by the
     * 12-digit region code, so that a region's items are one `begins_with` range.
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
