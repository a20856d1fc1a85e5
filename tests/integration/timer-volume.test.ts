// The due-work engine under volume and after outages: 1,000 timers in one minute with racing sweepers and every
// message twice; every timer missed during an hour or two days, fired once.
import pMap from 'p-map'
import { describe, expect, it, vi } from 'vitest'
import { CountingSms } from '../fixtures/counting-sms.ts'
import { seedRegion } from '../fixtures/runtime.ts'
import { countCommands, start, stopRuntimesAfterEach, timerStatus } from '../fixtures/timers.ts'
import { seedPlannedVisits } from '../fixtures/visits.ts'

stopRuntimesAfterEach()

describe('the due-work engine under volume', () => {
  it('fires 1,000 timers due in one minute once each, with two sweepers racing and every message twice', async () => {
    let sms: CountingSms | undefined
    const rt = await start('2026-03-05T00:59:50Z', {
      duplicateDelivery: true,
      wrapSms: (inner) => {
        sms = new CountingSms(inner)
        return sms
      },
    })
    await seedRegion(rt)
    const due = new Date('2026-03-05T01:00:00Z')
    const timerIds = await seedPlannedVisits(rt, 1000, (i) => new Date(due.getTime() + (i % 60) * 1000))
    rt.clock.set('2026-03-05T01:01:00Z')
    const reports = await Promise.all([rt.sweep(), rt.sweep()])
    await rt.drain(5000)

    // Each timer was claimed by exactly one of the two sweepers.
    const claimed = reports.reduce((n, r) => n + r.enqueued, 0)
    expect(claimed).toBe(1000)
    expect(rt.pollers.timers.deliveries).toBe(2000)
    expect(sms?.calls.size).toBe(1000)
    expect(sms?.duplicates()).toEqual([])
    expect(await rt.localSms.list()).toHaveLength(1000)
    const statuses = await pMap(timerIds, (id) => timerStatus(rt, id), { concurrency: 16 })
    expect(new Set(statuses)).toEqual(new Set(['fired']))
  }, 300_000) // about 80 s alone on an idle machine; in npm test the 2 cores are shared with the other files

  it('fires every timer missed during an hour-long outage, once', async () => {
    let sms: CountingSms | undefined
    const rt = await start('2026-03-05T00:00:00Z', {
      wrapSms: (inner) => {
        sms = new CountingSms(inner)
        return sms
      },
    })
    await seedRegion(rt)
    await rt.sweep() // the watermark before the outage
    await seedPlannedVisits(rt, 60, (i) => new Date(Date.parse('2026-03-05T00:02:00Z') + i * 60_000))
    rt.clock.set('2026-03-05T01:05:00Z')
    const report = await rt.sweep()
    expect(report.enqueued).toBe(60)
    await rt.drain()
    await rt.sweep()
    await rt.drain()
    expect(await rt.localSms.list()).toHaveLength(60)
    // The provider was called once per reminder: no duplicate hidden by the local provider's deduplication.
    expect(sms?.calls.size).toBe(60)
    expect([...(sms?.calls.values() ?? [])].reduce((a, b) => a + b, 0)).toBe(60)
    expect(sms?.duplicates()).toEqual([])
  })

  it('fires every timer missed during a two-day outage, once, reading the due index in one scan', async () => {
    const rt = await start('2026-03-05T00:00:00Z')
    await seedRegion(rt)
    await rt.sweep()
    await seedPlannedVisits(rt, 48, (i) => new Date(Date.parse('2026-03-05T01:00:00Z') + i * 3600_000))
    // One still in the future must stay pending.
    const [later] = await seedPlannedVisits(rt, 1, () => new Date('2026-03-09T01:00:00Z'), 'later')
    rt.clock.set('2026-03-07T02:00:00Z')
    const commands = countCommands(rt)
    const report = await rt.sweep()
    expect(report.enqueued).toBe(48)
    // 2 days of minutes × 8 shards read bucket by bucket would be some 23,000 queries. The sweep's other lists
    // (notifications in flight, one query a shard; provisional marks) are read by a handful more.
    expect(commands.get('ScanCommand')).toBe(1)
    expect(commands.get('QueryCommand') ?? 0).toBeLessThan(20)
    vi.restoreAllMocks()
    await rt.drain()
    expect(await rt.localSms.list()).toHaveLength(48)
    expect(await timerStatus(rt, later ?? '')).toBe('pending')
  })
})
