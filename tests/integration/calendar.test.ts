// A year whose holiday arrangement is not loaded: dates counted on weekends only, marked provisional, a warning to
// administrators, and everything recomputed when the year is loaded.
import { GetItemCommand, PutItemCommand } from 'dynamodb-toolbox'
import { afterEach, expect, it } from 'vitest'
import { listWarnings } from '../../shared/calendar/actions/list-warnings.ts'
import { admin, seedRegion, startTestRuntime, type TestRuntime } from '../fixtures/runtime.ts'

const supervisor = { sub: 'zhao', role: 'supervisor', region: '330106' } as const
let rt: TestRuntime
afterEach(async () => rt?.stop())

/** A drill arrangement for 2027 (the real one is published around November 2026). */
const drill2027 = {
  year: '2027',
  source: 'drill: not the State Council arrangement',
  off: ['2027-03-01', '2027-03-02'],
  work: ['2027-02-27'],
}

it('marks a 2027 visit provisional, warns administrators once, and recomputes it when 2027 is loaded', async () => {
  rt = await startTestRuntime('2026-12-01T02:00:00Z')
  await seedRegion(rt)
  await rt.call('POST', '/matters', {
    as: supervisor,
    body: { matterId: 'c-1', petitionerId: 'li', category: '劳动保障', summary: '欠薪' },
  })
  await rt.call('POST', '/matters/c-1/events', { as: supervisor, body: { type: 'resolved', eventId: 'ev' } })
  await rt.drain()

  const third = await rt.call('GET', '/visits/c-1.ev-v3', { as: supervisor })
  expect(third.body).toMatchObject({ dueDate: '2027-03-01', provisional: true })
  expect((await rt.call('GET', '/visits/c-1.ev-v1', { as: supervisor })).body.provisional).toBe(false)
  // Due 12-31, its ladder counted into January: provisional too, recomputed with the third.
  expect((await rt.call('GET', '/visits/c-1.ev-v2', { as: supervisor })).body.provisional).toBe(true)
  // Before the load, the ladder was counted on weekends only.
  const { Item: supervisorBefore } = await rt.deps.store.Timer.build(GetItemCommand)
    .key({ timerId: 'c-1.ev-v3-o1' })
    .send()
  expect(supervisorBefore?.dueAt).toBe('2027-03-02T01:00:00.000Z')
  const warnings = await rt.call('GET', '/admin/warnings', { as: admin })
  expect(warnings.body.warnings).toEqual([
    expect.objectContaining({ key: 'calendar-2027', message: expect.stringContaining('2027 is not loaded') }),
  ])

  const loaded = await rt.call('POST', '/admin/calendar-years', { as: admin, body: drill2027 })
  expect(loaded.status).toBe(200)
  expect(loaded.body).toEqual({ year: '2027', recomputed: 2, moved: 1 })
  const moved = await rt.call('GET', '/visits/c-1.ev-v3', { as: supervisor })
  expect(moved.body).toMatchObject({ dueDate: '2027-03-03', provisional: false })
  // Its reminder (three working days before, 09:00) moved with it: 02-26, 02-27 (a working Saturday), 03-03.
  const { Item: reminder } = await rt.deps.store.Timer.build(GetItemCommand)
    .key({ timerId: 'c-1.ev-v3-r1' })
    .send()
  expect(reminder?.dueAt).toBe('2027-02-25T01:00:00.000Z')
  // Its overdue ladder moved too: before, one and five working days after 03-01 counted on weekends only (03-02,
  // 03-08); now after 03-03: the supervisor on 03-04, the accountability record on 03-10 (09:00 Shanghai).
  const ladder = async (timerId: string) =>
    (await rt.deps.store.Timer.build(GetItemCommand).key({ timerId }).send()).Item
  expect(await ladder('c-1.ev-v3-o1')).toMatchObject({ dueAt: '2027-03-04T01:00:00.000Z', status: 'pending' })
  expect(await ladder('c-1.ev-v3-o2')).toMatchObject({ dueAt: '2027-03-10T01:00:00.000Z', status: 'pending' })
  expect((await rt.call('GET', '/admin/warnings', { as: admin })).body.warnings).toEqual([])
})

it('refuses an arrangement with a weekday made a working day, a date of another year, or a shipped year', async () => {
  rt = await startTestRuntime('2026-12-01T02:00:00Z')
  const bad = await rt.call('POST', '/admin/calendar-years', {
    as: admin,
    body: { ...drill2027, off: ['2028-01-01'], work: ['2027-03-03'] },
  })
  expect(bad.status).toBe(400)
  expect(bad.body.problems).toEqual(
    expect.arrayContaining([
      { field: 'off[0]', reason: '2028-01-01 is not in 2027' },
      { field: 'work[0]', reason: '2027-03-03 is a weekday: only weekend days are made working days' },
    ]),
  )
  const shipped = await rt.call('POST', '/admin/calendar-years', {
    as: admin,
    body: { ...drill2027, year: '2026', off: [], work: [] },
  })
  expect(shipped.status).toBe(409)
  const officer = await rt.call('POST', '/admin/calendar-years', {
    as: { sub: 'wang', role: 'officer', region: '330106009000' },
    body: drill2027,
  })
  expect(officer.status).toBe(403)
})

it('lets only a province-level administrator load a year: the arrangement is national', async () => {
  rt = await startTestRuntime('2026-12-01T02:00:00Z')
  const county = await rt.call('POST', '/admin/calendar-years', {
    as: { sub: 'county-admin', role: 'admin', region: '330106' },
    body: drill2027,
  })
  expect(county.status).toBe(403)
  expect(county.body.message ?? JSON.stringify(county.body)).toContain('province-level')
  const city = await rt.call('POST', '/admin/calendar-years', {
    as: { sub: 'city-admin', role: 'admin', region: '330100' },
    body: drill2027,
  })
  expect(city.status).toBe(403)
  const { Item: year } = await rt.deps.store.CalendarYear.build(GetItemCommand).key({ year: '2027' }).send()
  expect(year).toBeUndefined()
  const province = await rt.call('POST', '/admin/calendar-years', { as: admin, body: drill2027 })
  expect(province.status).toBe(200)
})

it("warns administrators and supervisors from 1 November (Shanghai) that next year's arrangement is missing, once", async () => {
  rt = await startTestRuntime('2026-10-31T15:59:00Z') // 23:59 on 31 October in Shanghai
  const warnings = async (as: typeof admin | typeof supervisor) =>
    (await rt.call('GET', '/admin/warnings', { as })).body.warnings
  await rt.sweep()
  expect(await warnings(admin)).toEqual([])

  rt.clock.set('2026-10-31T16:00:00Z') // 00:00 on 1 November
  await rt.sweep()
  rt.clock.advance(60_000)
  await rt.sweep()
  const expected = [
    expect.objectContaining({
      key: 'calendar-2027',
      kind: 'calendar-year-missing',
      message: expect.stringContaining('The holiday arrangement of 2027 is not loaded'),
      raisedAt: '2026-10-31T16:00:00.000Z',
    }),
  ]
  expect(await warnings(admin)).toEqual(expected)
  expect(await warnings(supervisor)).toEqual(expected) // national: every supervisor sees it

  expect((await rt.call('POST', '/admin/calendar-years', { as: admin, body: drill2027 })).status).toBe(200)
  expect(await warnings(admin)).toEqual([])
  rt.clock.advance(60_000)
  await rt.sweep()
  expect(await warnings(admin)).toEqual([])
})

it('recomputes, at the next sweep, a visit marked provisional under a year already loaded (a load that stopped half-way)', async () => {
  rt = await startTestRuntime('2026-12-18T02:00:00Z')
  await seedRegion(rt)
  await rt.call('POST', '/matters', {
    as: supervisor,
    body: { matterId: 'c-1', petitionerId: 'li', category: '劳动保障', summary: '欠薪' },
  })
  await rt.call('POST', '/matters/c-1/events', { as: supervisor, body: { type: 'resolved', eventId: 'ev' } })
  await rt.drain()
  const visit = await rt.call('GET', '/visits/c-1.ev-v1', { as: supervisor })
  expect(visit.body.dueDate).toBe('2026-12-29')
  const ladder = async (timerId: string) =>
    (await rt.deps.store.Timer.build(GetItemCommand).key({ timerId }).send()).Item
  // The accountability step counted on weekends only: 12-30, 12-31, 01-01, 01-04, 01-05.
  expect(await ladder('c-1.ev-v1-o2')).toMatchObject({ dueAt: '2027-01-05T01:00:00.000Z' })

  const newYearOff = { ...drill2027, off: ['2027-01-01'], work: [] }
  expect((await rt.call('POST', '/admin/calendar-years', { as: admin, body: newYearOff })).status).toBe(200)
  // A mark the load did not see: written after it (a planner counting on a calendar cached before the load), or
  // left by a load that stopped half-way.
  await rt.deps.store.ProvisionalMark.build(PutItemCommand)
    .item({ year: '2027', visitId: 'c-1.ev-v1' })
    .send()
  await rt.sweep()

  // 12-30, 12-31, 01-04, 01-05, 01-06: New Year's Day 2027 is off.
  expect(await ladder('c-1.ev-v1-o2')).toMatchObject({ dueAt: '2027-01-06T01:00:00.000Z', status: 'pending' })
  expect(await ladder('c-1.ev-v1-o1')).toMatchObject({ dueAt: '2026-12-30T01:00:00.000Z', status: 'pending' })
  const after = await rt.call('GET', '/visits/c-1.ev-v1', { as: supervisor })
  expect(after.body).toMatchObject({ dueDate: '2026-12-29', provisional: false })
  const { Item: mark } = await rt.deps.store.ProvisionalMark.build(GetItemCommand)
    .key({ year: '2027', visitId: 'c-1.ev-v1' })
    .send()
  expect(mark).toBeUndefined()
  const trail = await rt.call('GET', '/audit/visit/c-1.ev-v1', { as: supervisor })
  expect(JSON.stringify(trail.body)).toContain('visit.recomputed')
})

it("shows a supervisor the warnings of their own region and national ones, never another region's", async () => {
  rt = await startTestRuntime('2026-12-01T02:00:00Z')
  await seedRegion(rt)
  await rt.call('POST', '/matters', {
    as: supervisor,
    body: { matterId: 'c-1', petitionerId: 'li', category: '劳动保障', summary: '欠薪' },
  })
  await rt.call('POST', '/matters/c-1/events', { as: supervisor, body: { type: 'resolved', eventId: 'ev' } })
  await rt.drain() // its third visit falls in 2027, not loaded: a national warning
  const raise = (key: string, item: { regionCode?: string }) =>
    rt.deps.store.AdminWarning.build(PutItemCommand)
      .item({
        key,
        kind: 'timer-failed',
        message: `${key} drill`,
        raisedAt: '2026-12-01T02:00:00.000Z',
        ...item,
      })
      .send()
  // A warning about a timer of a visit in 330106, raised as the sweeper does (without a region: found from the
  // visit), and one that names its region, 330108.
  await raise('timer-failed-c-1.ev-v1-o1', {})
  await raise('timer-failed-elsewhere', { regionCode: '330108' })
  const keys = (list: { key: string }[]) => list.map((w) => w.key).sort()

  const other = { sub: 'qian', role: 'supervisor', region: '330108' } as const
  const countyOf = (identity: typeof supervisor | typeof other) => ({
    id: identity.sub,
    role: identity.role,
    regionCode: identity.region,
  })
  expect(keys(await listWarnings(rt.deps, countyOf(supervisor)))).toEqual([
    'calendar-2027',
    'timer-failed-c-1.ev-v1-o1',
  ])
  expect(keys(await listWarnings(rt.deps, countyOf(other)))).toEqual([
    'calendar-2027',
    'timer-failed-elsewhere',
  ])
  expect(
    keys(await listWarnings(rt.deps, { id: 'test-admin', role: 'admin', regionCode: '330000' })),
  ).toEqual(['calendar-2027', 'timer-failed-c-1.ev-v1-o1', 'timer-failed-elsewhere'])
  // Through the API, a supervisor of 330108 sees neither 330106's warning nor any other region's but their own.
  const seen = await rt.call('GET', '/admin/warnings', { as: other })
  expect(seen.status).toBe(200)
  expect(keys(seen.body.warnings)).not.toContain('timer-failed-c-1.ev-v1-o1')
  expect(keys(seen.body.warnings)).toContain('calendar-2027')
})
