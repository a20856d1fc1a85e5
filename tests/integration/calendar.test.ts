// A year whose holiday arrangement is not loaded: dates counted on weekends only, marked provisional, a warning to
// administrators, and everything recomputed when the year is loaded.
import { GetItemCommand } from 'dynamodb-toolbox'
import { afterEach, expect, it } from 'vitest'
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
  await rt.call('POST', '/cases', {
    as: supervisor,
    body: { caseId: 'c-1', petitionerId: 'li', category: '劳动保障', summary: '欠薪' },
  })
  await rt.call('POST', '/cases/c-1/events', { as: supervisor, body: { type: 'resolved', eventId: 'ev' } })
  await rt.drain()

  const third = await rt.call('GET', '/visits/c-1.ev-v3', { as: supervisor })
  expect(third.body).toMatchObject({ dueDate: '2027-03-01', provisional: true })
  expect((await rt.call('GET', '/visits/c-1.ev-v1', { as: supervisor })).body.provisional).toBe(false)
  // Before the load, the ladder was counted on weekends only.
  const { Item: supervisorBefore } = await rt.deps.store.Timer.build(GetItemCommand)
    .key({ timerId: 'c-1.ev-v3-o1' })
    .send()
  expect(supervisorBefore?.dueAt).toBe('2027-03-02T01:00:00.000Z')
  const warnings = await rt.call('GET', '/admin/warnings', { as: admin })
  expect(warnings.body).toEqual([
    expect.objectContaining({ key: 'calendar-2027', message: expect.stringContaining('2027 is not loaded') }),
  ])

  const loaded = await rt.call('POST', '/admin/calendar-years', { as: admin, body: drill2027 })
  expect(loaded.status).toBe(200)
  expect(loaded.body).toEqual({ year: '2027', recomputed: 1, moved: 1 })
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
  expect((await rt.call('GET', '/admin/warnings', { as: admin })).body).toEqual([])
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
