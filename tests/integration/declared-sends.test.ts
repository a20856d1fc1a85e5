// The sends to the timers queue that functions other than the sweeper declare (shared/platform/resources.ts), each caused as
// an office would cause it and made through the function's own deps, so that its AWS calls are recorded for the
// permission check. A timer written or moved into a minute the sweeper has already read is enqueued at once by the
// function that wrote it: without that send, the officer's reminder or the released SMS waits for the next sweep,
// and a timer moved into a minute more than two minutes behind the sweep's watermark (the calendar case) never fires.
// timer-consumer declares `timers` too, but none of its paths sends there (an early delivery goes back to pending and
// the sweeper sends it again): there is no scenario for it.
import { afterEach, expect, it, vi } from 'vitest'
import type { FunctionName } from '../../shared/platform/resources.ts'
import {
  admin,
  resolveMatterOfLi,
  seedRegion,
  startTestRuntime,
  type TestRuntime,
  zhao,
} from '../fixtures/runtime.ts'

const OFFICER_WANG = '+8613800138000'
const SUPERVISOR_ZHAO = '+8613700137000'
const PETITIONER_LI = '+8613900139000'

let rt: TestRuntime
afterEach(async () => {
  vi.restoreAllMocks()
  await rt?.stop()
})

const smsTo = async (phone: string) => (await rt.localSms.list()).filter((sms) => sms.phone === phone)

/** Watches a function's own queue port, calling through; what it sent to the timers queue, as timer messages. */
const timersSentBy = (fn: FunctionName) => {
  const queues = rt.functionDeps[fn].queues
  const send = vi.spyOn(queues, 'send')
  const sendBatch = vi.spyOn(queues, 'sendBatch')
  return () => [
    ...send.mock.calls.filter(([queue]) => queue === 'timers').map(([, body]) => JSON.parse(body)),
    ...sendBatch.mock.calls
      .filter(([queue]) => queue === 'timers')
      .flatMap(([, entries]) => entries.map((e) => JSON.parse(e.body))),
  ]
}

/** Moves the clock and lets the minute sweeper and the queues do what falls due. */
const at = async (instant: string) => {
  rt.clock.set(instant)
  await rt.sweep()
  await rt.drain()
}

it('reminds officer Wang at once when supervisor Zhao brings her visit forward to today, without waiting for a sweep', async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z') // Monday 10:00
  await seedRegion(rt)
  await resolveMatterOfLi(rt, 'c-1', 'ev')
  await rt.drain()
  const planned = await rt.call('GET', '/visits/c-1.ev-v1', { as: zhao })
  expect(planned.body).toMatchObject({ dueDate: '2026-03-11', officerId: 'wang' }) // +7 working days

  // Wednesday 14:00: the minute sweep has read through 14:01. Li is at home this afternoon only.
  await at('2026-03-04T06:00:00Z')
  expect(await smsTo(OFFICER_WANG)).toEqual([]) // her first reminder was due on 03-06
  const sent = timersSentBy('visits-api')
  rt.clock.set('2026-03-04T06:00:20Z')
  const moved = await rt.call('POST', '/visits/c-1.ev-v1/reschedule', {
    as: zhao,
    body: { dueDate: '2026-03-04', reason: '信访人仅今天下午在家' },
  })
  expect(moved.status).toBe(200)
  expect(moved.body).toMatchObject({ dueDate: '2026-03-04' })
  // Both reminders of a visit due today (three working days before, and 09:00 on the day) have passed: one, now.
  expect(sent()).toEqual([{ timerId: 'c-1.ev-v1-r1', dueAt: '2026-03-04T06:00:20.000Z' }])

  await rt.drain() // no sweep
  const reminders = await smsTo(OFFICER_WANG)
  expect(reminders.map((s) => [s.sentAt, s.text])).toEqual([
    [
      '2026-03-04T06:00:20.000Z',
      '【回访提醒】王芳：信访事项c-1的第1次回访（回访对象李明）应于2026-03-04完成。',
    ],
  ])
})

it('tells supervisor Zhao at once of a visit that loading the calendar year shows to be a working day overdue', async () => {
  // 2027 ships without its arrangement: a matter resolved on Monday 2027-01-04 is planned on weekends only.
  rt = await startTestRuntime('2027-01-04T02:00:00Z')
  await seedRegion(rt)
  await resolveMatterOfLi(rt, 'c-1', 'ev')
  await rt.drain()
  const planned = await rt.call('GET', '/visits/c-1.ev-v1', { as: zhao })
  expect(planned.body).toMatchObject({ dueDate: '2027-01-13', provisional: true })

  await at('2027-01-08T01:00:00Z') // the first reminder
  await at('2027-01-13T01:00:00Z') // due today, as counted
  expect(await smsTo(OFFICER_WANG)).toHaveLength(2)
  expect(await smsTo(SUPERVISOR_ZHAO)).toEqual([])

  // 10:00 on 01-13: the arrangement makes Saturday 01-09 a working day. The visit was due on 01-12, so its
  // supervisor step (09:00 one working day after) moves from 01-14 09:00 to 01-13 09:00: into a swept minute.
  await at('2027-01-13T02:00:00Z')
  const sent = timersSentBy('directory-api')
  rt.clock.set('2027-01-13T02:00:05Z')
  const loaded = await rt.call('POST', '/admin/calendar-years', {
    as: admin,
    body: {
      year: '2027',
      source: 'drill: not the State Council arrangement',
      off: ['2027-01-01'],
      work: ['2027-01-09'],
    },
  })
  expect(loaded.status).toBe(200)
  expect((await rt.call('GET', '/visits/c-1.ev-v1', { as: zhao })).body).toMatchObject({
    dueDate: '2027-01-12',
    provisional: false,
  })
  expect(sent()).toContainEqual({ timerId: 'c-1.ev-v1-o1', dueAt: '2027-01-13T01:00:00.000Z' })

  await rt.drain() // no sweep: the next one starts two minutes before 10:01 and would never read 09:00 again
  const told = await smsTo(SUPERVISOR_ZHAO)
  expect(told.map((s) => [s.sentAt, s.text])).toEqual([
    [
      '2027-01-13T02:00:05.000Z',
      '【回访督办】赵强：王芳负责的信访事项c-1第1次回访已逾期（应于2027-01-12完成）。',
    ],
  ])
  const board = await rt.call('GET', '/regions/330106/board?month=2027-01', { as: zhao })
  expect(board.body.flags).toEqual([expect.objectContaining({ kind: 'overdue', visitId: 'c-1.ev-v1' })])
})

/** Runs the stream and every queue but `timers`: on AWS, the timers queue holds a message until its DelaySeconds. */
const drainHoldingTimers = async () => {
  for (let quiet = 0, round = 0; quiet < 2 && round < 100; round++) {
    let handled = await rt.stream.pollOnce()
    for (const [name, poller] of Object.entries(rt.pollers)) {
      if (name !== 'timers') handled += await poller.pollOnce(0)
    }
    const retryIn = handled === 0 ? rt.stream.nextRetryInMs() : undefined
    if (retryIn !== undefined) await new Promise((r) => setTimeout(r, retryIn))
    else quiet = handled === 0 ? quiet + 1 : 0
  }
}

it('sends the petitioner SMS held in the last minute of quiet hours at 08:00 sharp, without waiting for a sweep', async () => {
  rt = await startTestRuntime('2026-03-05T23:50:00Z') // Friday 07:50, quiet until 08:00
  await seedRegion(rt)
  rt.clock.set('2026-03-05T23:59:00Z')
  await rt.sweep() // read through 08:00
  const sent = timersSentBy('notification-dispatcher')

  rt.clock.set('2026-03-05T23:59:30Z')
  await resolveMatterOfLi(rt, 'c-1', 'ev')
  await drainHoldingTimers()
  const id = 'sms-c-1.ev-petitioner'
  const held = (await rt.call('GET', `/notifications/${id}`, { as: admin })).body
  expect(held).toMatchObject({ status: 'deferred', recipientType: 'petitioner' })
  expect(await smsTo(PETITIONER_LI)).toEqual([])
  // Its release timer falls in the minute already read: the dispatcher enqueues it itself.
  expect(sent()).toEqual([{ timerId: `defer-${id}-2026-03-06T00:00`, dueAt: '2026-03-06T00:00:00.000Z' }])

  rt.clock.set('2026-03-06T00:00:00Z') // 08:00: the delayed message arrives
  await rt.drain() // no sweep
  const released = await smsTo(PETITIONER_LI)
  expect(released.map((s) => s.sentAt)).toEqual(['2026-03-06T00:00:00.000Z'])
  const log = (await rt.call('GET', `/notifications/${id}`, { as: admin })).body.log
  expect(log.map((e: { status: string }) => e.status)).toEqual([
    'queued',
    'deferred',
    'queued',
    'sending',
    'sent',
  ])
})
