// The due-work engine: lost delayed messages, timers created in a swept window, send counts and give-up,
// cancel and reschedule, stale messages. Volume and outages are in timer-volume.test.ts.
import { randomBytes } from 'node:crypto'
import { GetItemCommand, UpdateItemCommand } from 'dynamodb-toolbox'
import { describe, expect, it, vi } from 'vitest'
import { fireOfficeTimer as fireTimer } from '../../functions/scheduling/fire.ts'
import { MAX_TIMER_SENDS } from '../../shared/scheduling/rules/timers.ts'
import { cancelTimer, enqueueIfSwept, rescheduleTimer } from '../../shared/scheduling/timers.ts'
import { admin, expectLogged, seedRegion } from '../fixtures/runtime.ts'
import {
  forgetRuntimes,
  start,
  stopRuntimesAfterEach,
  sweepRounds,
  timerOf,
  timerStatus,
} from '../fixtures/timers.ts'
import { seedPlannedVisits } from '../fixtures/visits.ts'

stopRuntimesAfterEach()

describe('the due-work engine', () => {
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
    forgetRuntimes()

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

  it('enqueues at once the reminder of a case event planned inside a window already swept', async () => {
    const rt = await start('2026-03-05T01:00:10Z')
    await seedRegion(rt)
    // A drill policy: the visit is due two minutes after the trigger, its reminder the minute after.
    const policy = await rt.call('POST', '/admin/cadence-policies', {
      as: admin,
      body: {
        regionCode: '330106',
        policy: {
          trigger: 'resolved',
          visits: [{ unit: 'minutes', value: 2 }],
          reminders: [{ unit: 'minutes', before: 1 }],
        },
      },
    })
    expect(policy.status).toBe(200)
    await rt.sweep() // swept through 01:01
    const supervisor = { sub: 'zhao', role: 'supervisor', region: '330106' } as const
    await rt.call('POST', '/matters', {
      as: supervisor,
      body: { matterId: 'c-swept', petitionerId: 'li', category: '劳动保障', summary: '欠薪' },
    })
    const event = await rt.call('POST', '/matters/c-swept/events', {
      as: supervisor,
      body: { type: 'resolved', eventId: 'ev-swept' },
    })
    expect(event.status).toBeLessThan(300)
    rt.clock.set('2026-03-05T01:01:10Z') // the reminder (01:01:10) is due inside the swept minute 01:01
    // No sweep: the planner enqueued the reminder itself, and draining fires it.
    await rt.drain()
    const { Item: reminder } = await rt.deps.store.Timer.build(GetItemCommand)
      .key({ timerId: 'c-swept.ev-swept-v1-r1' })
      .send()
    expect(reminder?.dueAt).toBe('2026-03-05T01:01:10.000Z')
    expect(reminder?.status).toBe('fired')
    const officerSms = (await rt.localSms.list()).filter((m) => m.text.includes('王芳'))
    expect(officerSms).toHaveLength(1)
  })

  it('counts each message delay from when it is sent, not from the start of a slow sweep', async () => {
    const rt = await start('2026-03-05T01:00:00Z', { queueDelayCapSeconds: 900 })
    await seedRegion(rt)
    await seedPlannedVisits(rt, 30, () => new Date('2026-03-05T01:01:00Z'))
    // Each conditional claim takes a second of the clock (a thousand claims take about that at DynamoDB's pace).
    const sweeper = rt.functionDeps['timer-sweeper']
    const client = sweeper.store.table.getDocumentClient()
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>
    vi.spyOn(client, 'send').mockImplementation((async (command: { constructor: { name: string } }) => {
      if (command.constructor.name === 'UpdateCommand') rt.clock.advance(1000)
      return send(command)
    }) as never)
    const sent: { at: number; delays: number[] }[] = []
    const sendBatch = sweeper.queues.sendBatch.bind(sweeper.queues)
    vi.spyOn(sweeper.queues, 'sendBatch').mockImplementation(async (queue, entries) => {
      sent.push({ at: rt.clock.now().getTime(), delays: entries.map((e) => e.delaySeconds ?? -1) })
      return sendBatch(queue, entries)
    })
    const report = await rt.sweep()
    expect(report.enqueued).toBe(30)
    expect(rt.clock.now().toISOString()).toBe('2026-03-05T01:00:30.000Z')
    const due = Date.parse('2026-03-05T01:01:00Z')
    const delays = sent.flatMap((s) => s.delays.map((d) => ({ d, expected: Math.ceil((due - s.at) / 1000) })))
    expect(delays).toHaveLength(30)
    for (const { d, expected } of delays) expect(d).toBe(expected)
    // Read from the clock at the start of the sweep, every delay would be 60 s: 30 s late.
    expect(new Set(delays.map((x) => x.d))).toEqual(new Set([30]))
  })

  it('gives up a timer whose consumer always fails after a capped number of sends, and warns administrators', async () => {
    // No officer in the directory: the reminder's consumer throws every time.
    const rt = await start('2026-03-05T01:00:00Z')
    const [timerId = ''] = await seedPlannedVisits(rt, 1, () => new Date('2026-03-05T01:00:00Z'))
    const reports = []
    for (let round = 0; round < MAX_TIMER_SENDS + 2; round++) {
      reports.push(await rt.sweep())
      await rt.drain(20)
      rt.clock.advance(5 * 60_000 + 1000)
    }
    const sends = reports.reduce((n, r) => n + r.enqueued + r.reswept, 0)
    expect(sends).toBe(MAX_TIMER_SENDS)
    expect(reports.reduce((n, r) => n + r.failed, 0)).toBe(1)
    const { Item: timer } = await rt.deps.store.Timer.build(GetItemCommand).key({ timerId }).send()
    expect(timer).toMatchObject({ status: 'failed', attempts: MAX_TIMER_SENDS })
    expect(timer?.gsi2pk).toBeUndefined() // out of the due index: no further sweep reads it
    const warnings = await rt.call('GET', '/admin/warnings', { as: admin })
    expect(warnings.body.warnings).toEqual([
      expect.objectContaining({
        key: `timer-failed-${timerId}`,
        kind: 'timer-failed',
        message: expect.stringContaining(`sent ${MAX_TIMER_SENDS} times`),
      }),
    ])
    expect((await rt.sweep()).reswept).toBe(0)
    expectLogged(rt, ['timer given up after repeated sends'])
  })

  it('never leaves a given-up timer out of the due index without its warning: both are one write', async () => {
    const rt = await start('2026-03-05T01:00:00Z') // no officer: the reminder's consumer throws every time
    const [timerId = ''] = await seedPlannedVisits(rt, 1, () => new Date('2026-03-05T01:00:00Z'))
    expect(await sweepRounds(rt, MAX_TIMER_SENDS)).toEqual({ sends: MAX_TIMER_SENDS, failed: 0 })
    // The next sweep gives it up; the warning's write fails.
    const client = rt.functionDeps['timer-sweeper'].store.table.getDocumentClient()
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>
    vi.spyOn(client, 'send').mockImplementation((async (command: { input?: unknown }) => {
      if (JSON.stringify(command.input ?? {}).includes(`timer-failed-${timerId}`))
        throw Object.assign(new Error('injected: the warning was not written'), {
          name: 'InternalServerError',
        })
      return send(command)
    }) as never)
    await expect(rt.sweep()).rejects.toThrow(/injected/)
    vi.restoreAllMocks()
    // Neither written: still enqueued in its recheck bucket, so the next sweep gives it up.
    const kept = await timerOf(rt, timerId)
    expect(kept).toMatchObject({ status: 'enqueued', attempts: MAX_TIMER_SENDS })
    expect(kept?.gsi2pk).toBeDefined()
    expect((await rt.call('GET', '/admin/warnings', { as: admin })).body.warnings).toEqual([])

    expect((await rt.sweep()).failed).toBe(1)
    expect(await timerStatus(rt, timerId)).toBe('failed')
    const warnings = await rt.call('GET', '/admin/warnings', { as: admin })
    expect(warnings.body.warnings).toEqual([expect.objectContaining({ key: `timer-failed-${timerId}` })])
    expectLogged(rt, ['timer given up after repeated sends'])
  })

  it('gives a rescheduled timer its full number of sends for its new time', async () => {
    const rt = await start('2026-03-05T01:00:00Z') // no officer: the reminder's consumer throws every time
    const [timerId = ''] = await seedPlannedVisits(rt, 1, () => new Date('2026-03-05T01:00:00Z'))
    expect(await sweepRounds(rt, 3)).toEqual({ sends: 3, failed: 0 })
    expect(await timerOf(rt, timerId)).toMatchObject({ status: 'enqueued', attempts: 3 })
    expect(await rescheduleTimer(rt.deps, timerId, new Date('2026-03-05T03:00:00Z'))).toBe(true)
    expect(await timerOf(rt, timerId)).toMatchObject({ status: 'pending', attempts: 0 })
    rt.clock.set('2026-03-05T03:00:00Z')
    expect(await sweepRounds(rt, MAX_TIMER_SENDS + 2)).toEqual({ sends: MAX_TIMER_SENDS, failed: 1 })
    expect(await timerOf(rt, timerId)).toMatchObject({ status: 'failed', attempts: MAX_TIMER_SENDS })
    expectLogged(rt, ['timer given up after repeated sends'])
  })

  it('does not count a delivery that came early (and went back to pending) as a send', async () => {
    const rt = await start('2026-03-05T01:00:00Z') // no queue delay: every message arrives at once
    const [timerId = ''] = await seedPlannedVisits(rt, 1, () => new Date('2026-03-05T01:00:50Z'))
    for (const at of ['01:00:00', '01:00:10', '01:00:20']) {
      rt.clock.set(`2026-03-05T${at}Z`)
      expect((await rt.sweep()).enqueued).toBe(1)
      await rt.drain(20)
      expect(await timerOf(rt, timerId), at).toMatchObject({ status: 'pending', attempts: 0 })
    }
    // Due now, and its consumer throws every time: it still gets every send before it is given up.
    rt.clock.set('2026-03-05T01:00:50Z')
    expect(await sweepRounds(rt, MAX_TIMER_SENDS + 2)).toEqual({ sends: MAX_TIMER_SENDS, failed: 1 })
    expectLogged(rt, ['timer given up after repeated sends'])
  })

  it('keeps the stored send count of a timer enqueued at once for a swept window', async () => {
    const rt = await start('2026-03-05T01:00:10Z')
    await rt.sweep() // swept through 01:01
    const [timerId = ''] = await seedPlannedVisits(rt, 1, () => new Date('2026-03-05T01:00:30Z'))
    await rt.deps.store.Timer.build(UpdateItemCommand).item({ timerId, attempts: 2 }).send()
    expect(await enqueueIfSwept(rt.deps, [{ timerId, dueAt: new Date('2026-03-05T01:00:30Z') }])).toBe(1)
    expect(await timerOf(rt, timerId)).toMatchObject({ status: 'enqueued', attempts: 3 })
  })

  it('fires nothing when the visit was completed without its timers being voided (a crash between the writes)', async () => {
    const rt = await start('2026-03-05T01:00:00Z')
    await seedRegion(rt)
    const [timerId = ''] = await seedPlannedVisits(rt, 1, () => new Date('2026-03-05T01:00:00Z'))
    await rt.sweep()
    expect(await timerStatus(rt, timerId)).toBe('enqueued')
    // The visit is completed directly in the table; its timers are left as they were.
    await rt.deps.store.Visit.build(UpdateItemCommand)
      .item({ visitId: 'bulk-0-v1', status: 'completed' })
      .send()
    await rt.drain()
    expect(await rt.localSms.list()).toEqual([])
    expect(await timerStatus(rt, timerId)).toBe('void')
  })

  it('acts on a timer delivered a fraction of a second early at its due time, not before', async () => {
    const rt = await start('2026-03-05T00:59:59.400Z')
    await seedRegion(rt)
    const [timerId = ''] = await seedPlannedVisits(rt, 1, () => new Date('2026-03-05T01:00:00Z'))
    await rt.sweep() // DelaySeconds 0 (0.6 s, rounded down): visible at once, 600 ms early
    await rt.drain()
    const timer = await timerOf(rt, timerId)
    expect(timer).toMatchObject({ status: 'fired', firedAt: '2026-03-05T01:00:00.000Z' })
    expect((await rt.localSms.list()).map((sms) => sms.sentAt)).toEqual(['2026-03-05T01:00:00.000Z'])
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

  it('ignores a message for a due time the timer no longer has, even while it is enqueued for its new time', async () => {
    const rt = await start('2026-03-05T01:00:00Z')
    await seedRegion(rt)
    const [timerId = ''] = await seedPlannedVisits(rt, 1, () => new Date('2026-03-05T01:00:00Z'))
    await rt.sweep() // the message for 01:00 is on its way
    expect(await rescheduleTimer(rt.deps, timerId, new Date('2026-03-05T01:20:00Z'))).toBe(true)
    rt.clock.set('2026-03-05T01:19:30Z')
    await rt.sweep() // enqueued again, for 01:20
    expect(await timerStatus(rt, timerId)).toBe('enqueued')

    // The stale message arrives: it does nothing, and does not put the timer back to pending (to be sent again).
    const stale = await fireTimer(rt.deps, { timerId, dueAt: '2026-03-05T01:00:00.000Z' })
    expect(stale).toMatchObject({ acted: false, reason: expect.stringContaining('rescheduled') })
    expect(await timerStatus(rt, timerId)).toBe('enqueued')

    rt.clock.set('2026-03-05T01:20:00Z')
    await rt.drain()
    const sms = await rt.localSms.list()
    expect(sms).toHaveLength(1)
    expect(sms[0]?.sentAt).toBe('2026-03-05T01:20:00.000Z')
    expect(await timerStatus(rt, timerId)).toBe('fired')
  })
})
