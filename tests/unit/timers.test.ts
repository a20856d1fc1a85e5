import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  addMinutes,
  delaySecondsUntil,
  minuteOf,
  minutesBetween,
  shardOf,
} from '../../shared/scheduling/rules/timers.ts'
import { dueBucket } from '../../shared/scheduling/store.ts'

describe('due buckets', () => {
  it('names a bucket by UTC minute and two-digit shard', () => {
    expect(dueBucket(minuteOf(new Date('2026-11-25T09:00:42Z')), 7)).toBe('DUE#2026-11-25T09:00#07')
  })

  it('lists the minutes after a watermark through a minute, crossing midnight', () => {
    expect(minutesBetween('2026-12-31T23:58', '2027-01-01T00:01')).toEqual([
      '2026-12-31T23:59',
      '2027-01-01T00:00',
      '2027-01-01T00:01',
    ])
    expect(minutesBetween('2026-01-01T00:01', '2026-01-01T00:01')).toEqual([])
    expect(addMinutes('2026-03-01T00:00', -1)).toBe('2026-02-28T23:59')
  })

  it('spreads timers over every shard, each always to the same one', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 64 }), (id, shards) => {
        const shard = shardOf(id, shards)
        expect(shard).toBeGreaterThanOrEqual(0)
        expect(shard).toBeLessThan(shards)
        expect(shardOf(id, shards)).toBe(shard)
      }),
    )
    const used = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`timer-${i}`, 8)))
    expect(used.size).toBe(8)
  })
})

describe('queue delay', () => {
  const now = new Date('2026-02-26T00:59:00Z')
  it('is the whole seconds until due, rounded down (the consumer waits out the fraction)', () => {
    expect(delaySecondsUntil(new Date('2026-02-26T01:00:00Z'), now, 900)).toBe(60)
    expect(delaySecondsUntil(new Date('2026-02-26T00:59:00.200Z'), now, 900)).toBe(0)
    expect(delaySecondsUntil(new Date('2026-02-26T00:59:59.900Z'), now, 900)).toBe(59)
  })
  it('is never negative and never above the cap', () => {
    expect(delaySecondsUntil(new Date('2026-02-26T00:00:00Z'), now, 900)).toBe(0)
    expect(delaySecondsUntil(new Date('2026-02-27T00:00:00Z'), now, 900)).toBe(900)
    expect(delaySecondsUntil(new Date('2026-02-26T01:00:00Z'), now, 0)).toBe(0)
  })
})
