// Dates that must not lie: a matter recorded late, a visit handed over or moved after it fell due, a reminder sent
// before its visit moved, a ladder step with no supervisor to tell. The office's calendar of 2026: the Spring
// Festival (15-23 Feb, Saturdays 14 and 28 Feb worked) and National Day (1-7 Oct, Saturday 10 Oct worked).
import { afterEach, expect, it, vi } from 'vitest'
import { climbLadder } from '../../shared/visits/actions/climb-ladder.ts'
import {
  admin,
  expectLogged,
  INBOUND_SECRET,
  resolveMatterOfLi,
  seedRegion,
  startTestRuntime,
  type TestRuntime,
  zhao,
} from '../fixtures/runtime.ts'

const wang = { sub: 'wang', role: 'officer', region: '330106009000' } as const
const OFFICER_WANG = '+8613800138000'
const SUPERVISOR_ZHAO = '+8613700137000'
const PETITIONER_LI = '+8613900139000'

let rt: TestRuntime
afterEach(async () => {
  vi.restoreAllMocks()
  await rt?.stop()
})

const smsTo = async (phone: string) => (await rt.localSms.list()).filter((sms) => sms.phone === phone)
const at = async (instant: string) => {
  rt.clock.set(instant)
  await rt.sweep()
  await rt.drain()
}
const ledger = async (month: string) =>
  (await rt.call('GET', `/regions/330106/accountability?month=${month}`, { as: zhao })).body.entries as {
    kind: string
    officerId: string
    dueDate: string
    detail: string
  }[]
const timersOf = async (visitId: string) =>
  Object.fromEntries(
    await Promise.all(
      ['-r1', '-r2', '-o1', '-o2'].map(async (suffix) => {
        const { Item } = await rt.deps.store.Timer.build((await import('dynamodb-toolbox')).GetItemCommand)
          .key({ timerId: `${visitId}${suffix}` })
          .send()
        return [suffix, Item && { status: Item.status, dueAt: Item.dueAt }]
      }),
    ),
  )

/** Li's matter, resolved on `occurredAt` but recorded now (the clock's time). */
const recordedLate = async (matterId: string, occurredAt: string) => {
  const created = await rt.call('POST', '/matters', {
    as: zhao,
    body: { matterId, petitionerId: 'li', category: '劳动保障', summary: '欠薪' },
  })
  expect(created.status).toBe(201)
  const resolved = await rt.call('POST', `/matters/${matterId}/events`, {
    as: zhao,
    body: { type: 'resolved', eventId: 'ev', occurredAt },
  })
  expect(resolved.status).toBe(201)
  await rt.drain()
}

it('gives a matter recorded weeks late one visit five working days on, over National Day, and no SMS names a past date', async () => {
  rt = await startTestRuntime('2026-09-29T02:00:00Z') // Tuesday 10:00, a table the sweeper has never read
  await seedRegion(rt)
  await recordedLate('c-late', '2026-08-01T02:00:00Z') // +7 working days and +30 days are past
  await at('2026-09-29T02:01:00Z')

  const first = await rt.call('GET', '/visits/c-late.ev-v1', { as: wang })
  // 30 Sep, the week off, 8 and 9 Oct, Saturday 10 Oct worked, Monday 12 Oct.
  expect(first.body).toMatchObject({ dueDate: '2026-10-12', sequence: 1, status: 'planned' })
  const second = await rt.call('GET', '/visits/c-late.ev-v2', { as: wang })
  expect(second.body).toMatchObject({ dueDate: '2026-10-30', sequence: 2 })
  expect((await rt.call('GET', '/visits/c-late.ev-v3', { as: wang })).status).toBe(404)
  expect((await smsTo(PETITIONER_LI)).map((s) => s.text)).toEqual([
    expect.stringContaining('我们将于2026-10-12前回访'),
  ])
  // The officer assigned a moment ago is not flagged, nor held to account, nor is her supervisor told.
  expect(await smsTo(SUPERVISOR_ZHAO)).toEqual([])
  expect(await ledger('2026-09')).toEqual([])
  const trail = await rt.call('GET', '/audit/matter/c-late', { as: zhao })
  expect(
    trail.body.entries.find((e: { action: string }) => e.action === 'visits.planned')?.after,
  ).toMatchObject({
    pastPoints: 2,
    caughtUpBy: 'c-late.ev-v1',
  })

  // Her reminder comes three working days before the new date; the ladder, one and five working days after it.
  await at('2026-10-08T01:00:00Z')
  expect((await smsTo(OFFICER_WANG)).map((s) => s.text)).toEqual([expect.stringContaining('2026-10-12')])
  await at('2026-10-13T01:00:00Z')
  expect(await smsTo(SUPERVISOR_ZHAO)).toHaveLength(1)
  await at('2026-10-19T01:00:00Z')
  expect(await ledger('2026-10')).toEqual([
    expect.objectContaining({ kind: 'overdue', officerId: 'wang', dueDate: '2026-10-12' }),
  ])
}, 120_000)

it('flags and records an overdue visit of a county with no supervisor, and warns administrators that no one was told', async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  const ok = async (path: string, body: unknown) => {
    const r = await rt.call('POST', path, { as: admin, body })
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300)
  }
  await ok('/admin/units', { unitId: 'yuhang', name: '余杭区信访局', regionCode: '330110', level: 'county' })
  await ok('/admin/officers', { officerId: 'he', name: '何静', phone: '13600136002', unitId: 'yuhang' })
  await ok('/admin/petitioners', { petitionerId: 'ma', name: '马力', phone: '13500135002', unitId: 'yuhang' })
  const yuhangAdmin = { sub: 'yu-admin', role: 'admin', region: '330110' } as const
  const he = { sub: 'he', role: 'officer', region: '330110' } as const
  expect(
    (
      await rt.call('POST', '/matters', {
        as: he,
        body: { matterId: 'c-yh', petitionerId: 'ma', category: '城乡建设', summary: '噪音' },
      })
    ).status,
  ).toBe(201)
  expect(
    (await rt.call('POST', '/matters/c-yh/events', { as: he, body: { type: 'resolved', eventId: 'ev' } }))
      .status,
  ).toBe(201)
  await rt.drain()
  const visit = await rt.call('GET', '/visits/c-yh.ev-v1', { as: yuhangAdmin })
  expect(visit.body).toMatchObject({ dueDate: '2026-03-11', officerId: 'he' })

  await at('2026-03-12T01:00:00Z') // one working day late: flagged, no one to tell
  const board = await rt.call('GET', '/regions/330110/board?month=2026-03', { as: yuhangAdmin })
  expect(board.body.flags).toEqual([expect.objectContaining({ kind: 'overdue', visitId: 'c-yh.ev-v1' })])
  const warnings = await rt.call('GET', '/admin/warnings', { as: admin })
  expect(warnings.body.warnings).toEqual([
    expect.objectContaining({
      key: 'no-supervisor-yuhang',
      kind: 'no-supervisor',
      message: expect.stringContaining(
        'Unit yuhang (region 330110) and the units above it have no active supervisor',
      ),
    }),
  ])
  await at('2026-03-18T01:00:00Z') // five working days late: recorded all the same
  const entries = (await rt.call('GET', '/regions/330110/accountability?month=2026-03', { as: yuhangAdmin }))
    .body.entries
  expect(entries).toEqual([
    expect.objectContaining({ kind: 'overdue', officerId: 'he', dueDate: '2026-03-11' }),
  ])
}, 120_000)

it('starts the ladder again for an officer who takes over a visit already overdue', async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  await seedRegion(rt)
  const sun = await rt.call('POST', '/admin/officers', {
    as: admin,
    body: { officerId: 'sun', name: '孙丽', phone: '13600136000', unitId: 'township' },
  })
  expect(sun.status).toBeLessThan(300)
  await resolveMatterOfLi(rt, 'c-1', 'ev')
  await rt.drain()
  const planned = await rt.call('GET', '/visits/c-1.ev-v1', { as: zhao })
  expect(planned.body).toMatchObject({ dueDate: '2026-03-11' })
  const officerOfVisit = planned.body.officerId as string
  const successor = officerOfVisit === 'wang' ? 'sun' : 'wang'

  await at('2026-03-18T01:00:00Z') // five working days late: the first officer is on the ledger
  expect((await ledger('2026-03')).map((e) => e.officerId)).toEqual([officerOfVisit])

  rt.clock.set('2026-03-18T02:00:00Z')
  const handed = await rt.call('POST', '/visits/c-1.ev-v1/reassign', {
    as: zhao,
    body: { officerId: successor, reason: '原回访员长期病假' },
  })
  expect(handed.status).toBe(200)
  expect(handed.body).toMatchObject({ officerId: successor, dueDate: '2026-03-25' })
  await at('2026-03-18T02:05:00Z')
  // The new officer is held to nothing at once: her ladder runs from 25 March.
  expect((await ledger('2026-03')).map((e) => e.officerId)).toEqual([officerOfVisit])
  await at('2026-04-01T01:00:00Z')
  expect((await ledger('2026-04')).map((e) => [e.officerId, e.dueDate])).toEqual([[successor, '2026-03-25']])
}, 120_000)

it('reminds the officer again of a visit moved after its reminder was sent, however often it moves', async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  await seedRegion(rt)
  await resolveMatterOfLi(rt, 'c-1', 'ev')
  await rt.drain()
  await at('2026-03-06T01:00:00Z') // three working days before 11 March
  expect(await smsTo(OFFICER_WANG)).toHaveLength(1)

  for (const [dueDate, remindedAt] of [
    ['2026-03-13', '2026-03-10T01:00:00Z'],
    ['2026-03-18', '2026-03-13T01:00:00Z'],
  ] as const) {
    const moved = await rt.call('POST', '/visits/c-1.ev-v1/reschedule', {
      as: wang,
      body: { dueDate, reason: '信访人外出' },
    })
    expect(moved.status).toBe(200)
    await at(remindedAt)
    expect((await smsTo(OFFICER_WANG)).at(-1)?.text).toContain(dueDate)
  }
  expect(await smsTo(OFFICER_WANG)).toHaveLength(3)
}, 120_000)

it('lets only a supervisor move an overdue visit, with a reason, and shows the move on the ledger and the board', async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  await seedRegion(rt)
  await resolveMatterOfLi(rt, 'c-1', 'ev')
  await rt.drain()
  await at('2026-03-12T03:00:00Z') // due 11 March: overdue
  const byOfficer = await rt.call('POST', '/visits/c-1.ev-v1/reschedule', {
    as: wang,
    body: { dueDate: '2026-03-20', reason: '信访人外出' },
  })
  expect(byOfficer.status).toBe(403)
  expect(byOfficer.body.message).toBe(
    'visit c-1.ev-v1 is overdue (due 2026-03-11): only a supervisor may move its due date',
  )
  const bySupervisor = await rt.call('POST', '/visits/c-1.ev-v1/reschedule', {
    as: zhao,
    body: { dueDate: '2026-03-20', reason: '信访人住院' },
  })
  expect(bySupervisor.status).toBe(200)
  expect(bySupervisor.body).toMatchObject({ dueDate: '2026-03-20' })
  expect(await ledger('2026-03')).toEqual([
    expect.objectContaining({
      kind: 'moved-while-overdue',
      officerId: 'wang',
      dueDate: '2026-03-11',
      detail: 'moved from 2026-03-11 to 2026-03-20 by zhao: 信访人住院',
    }),
  ])
  const board = await rt.call('GET', '/regions/330106/board?month=2026-03', { as: zhao })
  expect(board.body.flags.map((f: { kind: string }) => f.kind).sort()).toEqual([
    'moved-while-overdue',
    'overdue',
  ])
  // Late again after the move: a second overdue flag and record, for the new date.
  await at('2026-03-27T01:00:00Z')
  expect((await ledger('2026-03')).map((e) => [e.kind, e.dueDate])).toEqual([
    ['moved-while-overdue', '2026-03-11'],
    ['overdue', '2026-03-20'],
  ])
}, 120_000)

it('moves a visit and all its timers together or not at all, whichever write fails', async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  await seedRegion(rt)
  await resolveMatterOfLi(rt, 'c-1', 'ev')
  await rt.drain()
  const before = await timersOf('c-1.ev-v1')
  const client = rt.functionDeps['visits-api'].store.table.getDocumentClient()
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>
  let writes = 0
  vi.spyOn(client, 'send').mockImplementation((async (command: { constructor: { name: string } }) => {
    const name = command.constructor.name
    if (!name.startsWith('Get') && !name.startsWith('Query') && ++writes === 1)
      throw Object.assign(new Error('injected: the write did not happen'), { name: 'InternalServerError' })
    return send(command)
  }) as never)
  const failed = await rt.call('POST', '/visits/c-1.ev-v1/reschedule', {
    as: wang,
    body: { dueDate: '2026-03-13', reason: '信访人外出' },
  })
  expect(failed.status).toBe(500)
  vi.restoreAllMocks()
  expectLogged(rt, ['request failed'])
  expect((await rt.call('GET', '/visits/c-1.ev-v1', { as: wang })).body.dueDate).toBe('2026-03-11')
  expect(await timersOf('c-1.ev-v1')).toEqual(before)

  const moved = await rt.call('POST', '/visits/c-1.ev-v1/reschedule', {
    as: wang,
    body: { dueDate: '2026-03-13', reason: '信访人外出' },
  })
  expect(moved.status).toBe(200)
  expect(await timersOf('c-1.ev-v1')).toEqual({
    '-r1': { status: 'pending', dueAt: '2026-03-10T01:00:00.000Z' },
    '-r2': { status: 'pending', dueAt: '2026-03-13T01:00:00.000Z' },
    '-o1': { status: 'pending', dueAt: '2026-03-16T01:00:00.000Z' },
    '-o2': { status: 'pending', dueAt: '2026-03-20T01:00:00.000Z' },
  })
}, 120_000)

it('marks a visit provisional when only its ladder falls in a year not loaded, and warns of that year', async () => {
  rt = await startTestRuntime('2026-12-18T02:00:00Z') // Friday 10:00; 2027 ships without its arrangement
  await seedRegion(rt)
  await resolveMatterOfLi(rt, 'c-1', 'ev')
  await rt.drain()
  // Due Tuesday 29 December; its accountability step, five working days on, is counted into January 2027.
  const visit = await rt.call('GET', '/visits/c-1.ev-v1', { as: zhao })
  expect(visit.body).toMatchObject({ dueDate: '2026-12-29', provisional: true })
  const warnings = await rt.call('GET', '/admin/warnings', { as: zhao })
  expect(warnings.body.warnings).toEqual([
    expect.objectContaining({ key: 'calendar-2027', kind: 'calendar-year-missing' }),
  ])
}, 60_000)

it("shows the officer what became of each SMS about her visit: the petitioner's, her reminders, one suppressed", async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  await seedRegion(rt)
  await resolveMatterOfLi(rt, 'c-1', 'ev')
  await rt.drain()
  await at('2026-03-06T01:00:00Z') // her first reminder
  // Li replies 退订: the appointment SMS is suppressed, and the officer sees so.
  const reply = await rt.call('POST', '/sms/inbound', {
    headers: { 'x-aftercare-inbound-secret': INBOUND_SECRET },
    body: { from: PETITIONER_LI, text: '退订' },
  })
  expect(reply.status).toBeLessThan(300)
  rt.clock.set('2026-03-06T02:00:00Z')
  const appointment = await rt.call('POST', '/visits/c-1.ev-v1/appointment', {
    as: wang,
    body: { at: '2026-03-10T06:00:00Z' },
  })
  expect(appointment.status).toBe(200)
  await rt.drain()
  const visit = await rt.call('GET', '/visits/c-1.ev-v1', { as: wang })
  expect(
    visit.body.sms.map((s: { to: string; template: string; status: string }) => [s.to, s.template, s.status]),
  ).toEqual([
    ['petitioner', 'petitioner-visit-planned', 'sent'],
    ['officer', 'officer-visit-reminder', 'sent'],
    ['petitioner', 'petitioner-appointment', 'suppressed'],
  ])
  expect(JSON.stringify(visit.body.sms)).not.toContain('139')
}, 60_000)

it('keeps the date a person chose for a provisional visit when its year is loaded', async () => {
  rt = await startTestRuntime('2026-12-01T02:00:00Z')
  await seedRegion(rt)
  await resolveMatterOfLi(rt, 'c-1', 'ev')
  await rt.drain()
  // The third visit, +90 days, falls in 2027: counted on weekends only, provisional.
  expect((await rt.call('GET', '/visits/c-1.ev-v3', { as: zhao })).body).toMatchObject({
    dueDate: '2027-03-01',
    provisional: true,
  })
  const moved = await rt.call('POST', '/visits/c-1.ev-v3/reschedule', {
    as: wang,
    body: { dueDate: '2027-03-05', reason: '信访人春节后返乡' },
  })
  expect(moved.status).toBe(200)
  const loaded = await rt.call('POST', '/admin/calendar-years', {
    as: admin,
    body: { year: '2027', source: 'drill: not the State Council arrangement', off: ['2027-01-01'], work: [] },
  })
  expect(loaded.status).toBe(200)
  expect((await rt.call('GET', '/visits/c-1.ev-v3', { as: zhao })).body).toMatchObject({
    dueDate: '2027-03-05',
    provisional: false,
  })
}, 60_000)

it('does nothing with a ladder step fired for the time a visit had before it moved, and keeps its new step', async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  await seedRegion(rt)
  await resolveMatterOfLi(rt, 'c-1', 'ev')
  await rt.drain()
  // 12 March 09:00: the supervisor step of the visit due 11 March is on its way when supervisor Zhao moves the visit.
  rt.clock.set('2026-03-12T01:00:00Z')
  const onItsWay = { timerId: 'c-1.ev-v1-o1', subjectId: 'c-1.ev-v1', dueAt: '2026-03-12T01:00:00.000Z' }
  const moved = await rt.call('POST', '/visits/c-1.ev-v1/reschedule', {
    as: zhao,
    body: { dueDate: '2026-03-20', reason: '信访人住院' },
  })
  expect(moved.status).toBe(200)
  expect(await climbLadder(rt.deps, onItsWay, 'supervisor')).toEqual({
    acted: false,
    reason: 'the visit moved: its step has a new time',
  })
  expect((await timersOf('c-1.ev-v1'))['-o1']).toEqual({
    status: 'pending',
    dueAt: '2026-03-23T01:00:00.000Z',
  })
  const board = await rt.call('GET', '/regions/330106/board?month=2026-03', { as: zhao })
  expect(board.body.flags.map((f: { kind: string }) => f.kind)).toEqual(['moved-while-overdue'])
  expect(await smsTo(SUPERVISOR_ZHAO)).toEqual([])
}, 60_000)
