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

/** How many partitions a province's month of board items (gsi4) and its open visits (gsi6) are spread over. */
export const regionMonthShards = 4

/** The shard of an item in the board indexes: a stable hash of its id (FNV-1a), so that a rewrite keeps its place. */
export const regionMonthShardOf = (id: string) => {
  let hash = 0x811c9dc5
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193)
  return String((hash >>> 0) % regionMonthShards).padStart(2, '0')
}

/** The stream consumer only sees new outbox items: the same filter in CDK and in the local stream poller. */
export const outboxStreamFilter = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { _et: { S: ['Outbox'] } } },
} as const

/** The partition of one shard of a province's board items: `VISITS#33#2026-03#02`, or `OPEN#33#02` without a month. */
const boardPartition = (kind: string, regionCode: string, month: string | undefined, shard: string) =>
  [kind, regionCode.slice(0, 2), ...(month ? [month] : []), shard].join('#')

/** An item's place in a board index (gsi4, gsi6): its shard's partition, and its 12-digit region, instant and id. */
export const regionBoardKeys = (
  kind: string,
  item: { regionCode: string; month?: string; at: string; id: string },
) => ({
  partition: boardPartition(kind, item.regionCode, item.month, regionMonthShardOf(item.id)),
  sort: `${item.regionCode.padEnd(12, '0')}#${item.at}#${item.id}`,
})

/** Every shard's partition of a province's board items of one kind (and month). */
export const regionBoardPartitions = (kind: string, regionCode: string, month?: string) =>
  Array.from({ length: regionMonthShards }, (_, shard) =>
    boardPartition(kind, regionCode, month, String(shard).padStart(2, '0')),
  )

/** At most this many shard queries of one view at a time. */
const SHARD_READS_AT_ONCE = 4

/** Runs `read` on every shard's partition, a few at a time, and puts the answers together in partition order. */
export const readShards = async <T>(
  partitions: readonly string[],
  read: (partition: string) => Promise<T[]>,
) => {
  const answers: T[][] = new Array(partitions.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < partitions.length; i = next++) answers[i] = await read(partitions[i] as string)
  }
  await Promise.all(Array.from({ length: Math.min(SHARD_READS_AT_ONCE, partitions.length) }, worker))
  return answers.flat()
}
