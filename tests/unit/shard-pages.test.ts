// A sharded list read a page at a time: every item once, in the index's order, whatever the shards hold and the
// page's size, and never more than a page's worth read from one shard for one page.
import fc from 'fast-check'
import { expect, it } from 'vitest'
import { readShardPage, type ShardMark } from '../../shared/platform/table/board-index.ts'

/** One shard as the database answers it: its items after `after`, `limit` at most; "more" also when none are left. */
const shardOf =
  (items: readonly string[], reads: number[], shard: number) =>
  async (_partition: string, after: string | undefined, limit: number) => {
    const rest = items.filter((key) => after === undefined || key > after)
    const page = rest.slice(0, limit)
    reads[shard] = Math.max(reads[shard] ?? 0, page.length)
    return { items: [...page], more: rest.length > page.length || page.length === limit }
  }

it('gives every item of any interleaving of shards once and in order, read in pages of any size', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 60 }),
      fc.array(fc.nat(3), { minLength: 60, maxLength: 60 }),
      fc.integer({ min: 1, max: 12 }),
      async (keys, shardOfKey, limit) => {
        const shards = [0, 1, 2, 3].map((shard) =>
          keys.filter((_, i) => shardOfKey[i] === shard).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
        )
        const partitions = ['P#00', 'P#01', 'P#02', 'P#03']
        const given: string[] = []
        let marks: ShardMark[] | undefined
        for (let pages = 0; pages <= keys.length + 4; pages++) {
          const reads: number[] = []
          const page = await readShardPage(
            partitions,
            marks,
            limit,
            (partition, after, size) =>
              shardOf(shards[partitions.indexOf(partition)] ?? [], reads, partitions.indexOf(partition))(
                partition,
                after,
                size,
              ),
            (key) => key,
          )
          expect(page.items.length).toBeLessThanOrEqual(limit)
          expect(Math.max(0, ...reads.filter((n) => n !== undefined))).toBeLessThanOrEqual(limit)
          given.push(...page.items)
          marks = page.marks
          if (!marks) break
        }
        expect(marks).toBeUndefined()
        expect(given).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
      },
    ),
    { numRuns: 300 },
  )
})
