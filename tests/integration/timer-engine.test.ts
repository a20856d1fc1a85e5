// The due-work engine under stress: volume, racing sweepers, duplicate deliveries, lost delayed messages,
// outages, cancel and reschedule.
import { randomBytes } from 'node:crypto'
import { GetItemCommand } from 'dynamodb-toolbox'
import pMap from 'p-map'
import { afterEach, describe, expect, it } from 'vitest'
import { cancelTimer, rescheduleTimer } from '../../shared/use-cases/timers.ts'
import { CountingSms } from '../fixtures/counting-sms.ts'
import { seedRegion, startTestRuntime, type TestRuntime } from '../fixtures/runtime.ts'
import { seedPlannedVisits } from '../fixtures/visits.ts'

let runtimes: TestRuntime[] = []
afterEach(async () => {
  await Promise.all(runtimes.map((r) => r.stop()))
  runtimes = []
})

const start = async (at: string, options: Parameters<typeof startTestRuntime>[1] = {}) => {
  const rt = await startTestRuntime(at, options)
  runtimes.push(rt)
  return rt
}

const timerStatus = async (rt: TestRuntime, timerId: string) =>
  (await rt.deps.store.Timer.build(GetItemCommand).key({ timerId }).send()).Item?.status

describe('the due-work engine', () => {
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
  })

  it('does not lose a reminder when npm start restarts in the middle of its delay', async () => {
    // A restart keeps the table and the keys (in .aftercare/ under npm start); fauxqs starts empty.
    const kept = { prefix: `restart${Date.now()}`, cryptoKey: randomBytes(32).toString('hex') }
    const prefix = kept.prefix
    const first = await start('2026-03-05T00:59:30Z', { ...kept, queueDelayCapSeconds: 900 })
    await seedRegion(first)
    const [timerId] = await seedPlannedVisits(first, 1, () => new Date('2026-03-05T01:00:00Z'))
    await first.sweep()
    expect(await timerStatus(first, timerId ?? '')).toBe('enqueued')
    // The timers queue holds the message with a 30 s delay; stopping fauxqs loses it.
    expect(first.fauxqs.inspectQueue(`${prefix}-timers`)?.messages.delayed).toHaveLength(1)
    await first.stop()
    runtimes = []

    const second = await start('2026-03-05T01:04:00Z', kept)
    await second.sweep()
    await second.drain()
    expect(await second.localSms.list()).toEqual([]) // not yet: due + 5 minutes has not come

    second.clock.set('2026-03-05T01:05:30Z')
    await second.sweep()
    await second.drain()
    const sms = await second.localSms.list()
    expect(sms).toHaveLength(1)
    expect(sms[0]?.text).toContain('王芳')
    expect(await timerStatus(second, timerId ?? '')).toBe('fired')
  })

  it('fires every timer missed during an hour-long outage, once', async () => {
    const rt = await start('2026-03-05T00:00:00Z')
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
  })

  it('fires every timer missed during a two-day outage, once, reading the due index in one scan', async () => {
    const rt = await start('2026-03-05T00:00:00Z')
    await seedRegion(rt)
    await rt.sweep()
    await seedPlannedVisits(rt, 48, (i) => new Date(Date.parse('2026-03-05T01:00:00Z') + i * 3600_000))
    // One still in the future must stay pending.
    const [later] = await seedPlannedVisits(rt, 1, () => new Date('2026-03-09T01:00:00Z'), 'later')
    rt.clock.set('2026-03-07T02:00:00Z')
    const report = await rt.sweep()
    expect(report.enqueued).toBe(48)
    await rt.drain()
    expect(await rt.localSms.list()).toHaveLength(48)
    expect(await timerStatus(rt, later ?? '')).toBe('pending')
  })

  it('enqueues at once a timer created inside a window already swept', async () => {
    const rt = await start('2026-03-05T01:00:10Z')
    await seedRegion(rt)
    await rt.sweep() // swept through 01:01
    const [timerId] = await seedPlannedVisits(rt, 1, () => new Date('2026-03-05T01:00:30Z'))
    expect(await timerStatus(rt, timerId ?? '')).toBe('pending')
    // A planner writing into a swept minute enqueues the timer itself (here through the reschedule path).
    await rescheduleTimer(rt.deps, timerId ?? '', new Date('2026-03-05T01:00:30Z'))
    expect(await timerStatus(rt, timerId ?? '')).toBe('enqueued')
    rt.clock.set('2026-03-05T01:00:30Z')
    await rt.drain()
    expect(await rt.localSms.list()).toHaveLength(1)
  })

  it('does nothing for a timer cancelled after it was enqueued', async () => {
    const rt = await start('2026-03-05T01:00:00Z')
    await seedRegion(rt)
    const [timerId] = await seedPlannedVisits(rt, 1, () => new Date('2026-03-05T01:00:00Z'))
    await rt.sweep()
    expect(await cancelTimer(rt.deps, timerId ?? '')).toBe(true)
    await rt.drain()
    expect(await rt.localSms.list()).toEqual([])
    expect(await timerStatus(rt, timerId ?? '')).toBe('void')
  })

  it('fires a rescheduled timer at its new time only, although the old message still arrives', async () => {
    const rt = await start('2026-03-05T01:00:00Z')
    await seedRegion(rt)
    const [timerId] = await seedPlannedVisits(rt, 1, () => new Date('2026-03-05T01:00:00Z'))
    await rt.sweep() // the message for 01:00 is on its way
    expect(await rescheduleTimer(rt.deps, timerId ?? '', new Date('2026-03-05T01:20:00Z'))).toBe(true)
    await rt.drain()
    expect(await rt.localSms.list()).toEqual([])
    expect(await timerStatus(rt, timerId ?? '')).toBe('pending')

    rt.clock.set('2026-03-05T01:20:00Z')
    await rt.sweep()
    await rt.drain()
    const sms = await rt.localSms.list()
    expect(sms).toHaveLength(1)
    expect(sms[0]?.sentAt).toBe('2026-03-05T01:20:00.000Z')
  })
})
