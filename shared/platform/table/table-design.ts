// The table's keys, indexes and stream, declared once: the store, local mode and the CDK stack all read this. And
// how the board indexes' shards are read: whole, or a page at a time.

import * as z from 'zod'

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

/**
 * Where one shard of a paged read stands: `null` before its first item, the sort key of the last of its items given
 * out, or `done` once every one of its items has been.
 */
export type ShardMark = string | null

/** A shard that has given out all its items. */
export const SHARD_DONE = 'done'

/** What a shard's read of one page answers: its next items in the index's order, and whether more may follow. */
export interface ShardRead<T> {
  items: T[]
  more: boolean
}

/**
 * Puts together one page of the items read from each shard: the `limit` first in the order of `placeOf` (the index's
 * sort key), and where each shard now stands. Each shard's read must hold its next items in order, `limit` of them
 * unless it has fewer left: then no item left unread in a shard can come before the last one given out.
 */
export const mergeShardPage = <T>(
  marks: readonly ShardMark[],
  reads: readonly (ShardRead<T> | undefined)[],
  limit: number,
  placeOf: (item: T) => string,
) => {
  const candidates = reads.flatMap((read, shard) =>
    (read?.items ?? []).map((item) => ({ item, shard, place: placeOf(item) })),
  )
  candidates.sort((a, b) => (a.place < b.place ? -1 : a.place > b.place ? 1 : 0))
  const page = candidates.slice(0, limit)
  const next = marks.map((mark, shard): ShardMark => {
    const read = reads[shard]
    if (mark === SHARD_DONE || !read) return mark
    const given = page.filter((c) => c.shard === shard)
    if (given.length === read.items.length && !read.more) return SHARD_DONE
    return given.at(-1)?.place ?? mark
  })
  return { items: page.map((c) => c.item), marks: next }
}

/**
 * One page of a sharded list: reads the next `limit` items (at most) of each shard not yet done, from where `marks`
 * left it (from the start without marks), a few shards at a time, and merges them in the index's order. Answers the
 * page and the marks to resume from, or no marks once every shard is done.
 */
export const readShardPage = async <T>(
  partitions: readonly string[],
  marks: readonly ShardMark[] | undefined,
  limit: number,
  read: (partition: string, after: string | undefined, limit: number) => Promise<ShardRead<T>>,
  placeOf: (item: T) => string,
) => {
  const from = marks ?? partitions.map(() => null)
  const reads: (ShardRead<T> | undefined)[] = new Array(partitions.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < partitions.length; i = next++) {
      const mark = from[i]
      if (mark !== SHARD_DONE) reads[i] = await read(partitions[i] as string, mark ?? undefined, limit)
    }
  }
  await Promise.all(Array.from({ length: Math.min(SHARD_READS_AT_ONCE, partitions.length) }, worker))
  const merged = mergeShardPage(from, reads, limit, placeOf)
  return {
    items: merged.items,
    marks: merged.marks.every((m) => m === SHARD_DONE) ? undefined : merged.marks,
  }
}

/**
 * What a cursor of a sharded list may hold: one mark per shard, each `done`, `null`, or a sort key of the board
 * indexes inside the range asked for (`sortPrefix`), so that a cursor cannot send the database a key of another range.
 */
export const shardMarksKey = (sortPrefix: string) =>
  z.strictObject({
    shards: z
      .array(
        z.union([
          z.literal(SHARD_DONE),
          z.null(),
          z
            .string()
            .max(300)
            .regex(/^\d{12}#[^#]+#[^#]+$/)
            .refine((key) => key.startsWith(sortPrefix)),
        ]),
      )
      .length(regionMonthShards),
  })

/** The id at the end of a board index sort key (`<region>#<instant>#<id>`). */
export const idOfBoardSortKey = (key: string) => key.slice(key.lastIndexOf('#') + 1)
