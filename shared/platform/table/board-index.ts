// The board indexes (gsi4, gsi6): where an item sits in a province's sharded partitions, and how a view reads the
// shards: whole, or a page at a time (each shard from where the cursor left it, merged in the index's order).
import * as z from 'zod'

/** How many partitions a province's month of board items (gsi4) and its open visits (gsi6) are spread over. */
export const regionMonthShards = 4

/** The shard of an item in the board indexes: a stable hash of its id (FNV-1a), so that a rewrite keeps its place. */
export const regionMonthShardOf = (id: string) => {
  let hash = 0x811c9dc5
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193)
  return String((hash >>> 0) % regionMonthShards).padStart(2, '0')
}

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

/** Runs `read` on each shard's partition, a few at a time; its answers in partition order. */
const eachShard = async <T>(
  partitions: readonly string[],
  read: (partition: string, shard: number) => Promise<T>,
) => {
  const answers: T[] = new Array(partitions.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < partitions.length; i = next++)
      answers[i] = await read(partitions[i] as string, i)
  }
  await Promise.all(Array.from({ length: Math.min(SHARD_READS_AT_ONCE, partitions.length) }, worker))
  return answers
}

/** Runs `read` on every shard's partition, a few at a time, and puts the answers together in partition order. */
export const readShards = async <T>(
  partitions: readonly string[],
  read: (partition: string) => Promise<T[]>,
) => (await eachShard(partitions, read)).flat()

/**
 * The next `limit` items (at most) of one query from `startKey` on: pages of the query until `limit` are read or none
 * is left. `more` says whether the database has more after them.
 */
export const queryUpTo = async <T>(
  send: (options: {
    limit: number
    exclusiveStartKey?: Record<string, unknown>
  }) => Promise<{ Items?: T[]; LastEvaluatedKey?: Record<string, unknown> }>,
  limit: number,
  startKey: Record<string, unknown> | undefined,
): Promise<ShardRead<T>> => {
  const items: T[] = []
  let key = startKey
  do {
    const { Items = [], LastEvaluatedKey } = await send({
      limit: limit - items.length,
      exclusiveStartKey: key,
    })
    items.push(...Items)
    key = LastEvaluatedKey
  } while (key && items.length < limit)
  return { items, more: key !== undefined }
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
  const reads = await eachShard(partitions, (partition, shard) => {
    const mark = from[shard]
    return mark === SHARD_DONE ? Promise.resolve(undefined) : read(partition, mark ?? undefined, limit)
  })
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
