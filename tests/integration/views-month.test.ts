// The board reads a month, not the province's history: a visit is found by the month it is due, the month it was
// completed, or because it is open now; a matter's visits are read from their own collection.
import { afterEach, expect, it } from 'vitest'
import {
  openVisitsOfRegion,
  visitsCompletedInMonth,
  visitsDueInMonth,
} from '../../shared/visits/store/board.ts'
import { visitsOfMatter } from '../../shared/visits/store/visits.ts'
import {
  resolveMatterOfLi,
  seedRegion,
  startTestRuntime,
  type TestRuntime,
  zhao,
} from '../fixtures/runtime.ts'

const wang = { sub: 'wang', role: 'officer', region: '330106009000' } as const

let rt: TestRuntime
afterEach(async () => {
  await rt?.stop()
})

const ids = (visits: readonly { visitId: string }[]) => visits.map((v) => v.visitId).sort()

it('finds a visit by its due month, its completion month, or open now, and a matter by its own collection', async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  await seedRegion(rt)
  await resolveMatterOfLi(rt, 'c-1', 'ev')
  await rt.drain()
  const { store } = rt.deps
  const mattersVisits = await visitsOfMatter(store, 'c-1')
  expect(ids(mattersVisits)).toEqual(['c-1.ev-v1', 'c-1.ev-v2', 'c-1.ev-v3'])
  expect(await visitsOfMatter(store, 'c-9')).toEqual([])
  const first = mattersVisits.find((v) => v.visitId === 'c-1.ev-v1')
  expect(first?.dueDate).toBe('2026-03-11')
  expect(ids(await visitsDueInMonth(store, '330106', '2026-03'))).toContain('c-1.ev-v1')
  expect(ids(await visitsDueInMonth(store, '330106', '2026-02'))).toEqual([])
  expect(ids(await visitsDueInMonth(store, '330102', '2026-03'))).toEqual([]) // another county
  expect(ids(await openVisitsOfRegion(store, '33'))).toEqual(['c-1.ev-v1', 'c-1.ev-v2', 'c-1.ev-v3'])

  // A month later, the first visit is overdue: the board of April counts it, though it was due in March.
  rt.clock.set('2026-04-14T02:00:00Z')
  const april = await rt.call('GET', '/regions/330106/board?month=2026-04', { as: zhao })
  expect(april.status).toBe(200)
  expect(april.body.overdueByOfficer.wang).toBeGreaterThanOrEqual(1)

  // Done in April: out of the open visits, in April's completed ones, and still due in March.
  const done = await rt.call('POST', '/visits/c-1.ev-v1/outcome', {
    as: wang,
    body: { reached: true, method: 'home-visit', satisfaction: 'satisfied', repeatPetitionRisk: 'low' },
  })
  expect(done.status).toBe(200)
  expect(ids(await openVisitsOfRegion(store, '330106'))).not.toContain('c-1.ev-v1')
  expect(ids(await visitsCompletedInMonth(store, '330106', '2026-04'))).toEqual(['c-1.ev-v1'])
  expect(ids(await visitsCompletedInMonth(store, '330106', '2026-03'))).toEqual([])
  expect(ids(await visitsDueInMonth(store, '330106', '2026-03'))).toContain('c-1.ev-v1')
  const board = await rt.call('GET', '/regions/330106/board?month=2026-04', { as: zhao })
  expect(board.body).toMatchObject({ onTimeCompletionRate: 0, reachRate: 100, satisfactionRate: 100 })
  const march = await rt.call('GET', '/regions/330106/board?month=2026-03', { as: zhao })
  expect(march.body.onTimeCompletionRate).toBeNull() // none completed in March
  expect(march.body.officers).toEqual([expect.objectContaining({ officerId: 'wang', due: 1, completed: 0 })])

  // Cancelled: open nowhere, and still the matter's.
  const cancelled = await rt.call('POST', '/visits/c-1.ev-v3/cancel', { as: zhao, body: { reason: '调整' } })
  expect(cancelled.status).toBe(200)
  expect(ids(await openVisitsOfRegion(store, '330106'))).not.toContain('c-1.ev-v3')
  expect(ids(await visitsOfMatter(store, 'c-1'))).toContain('c-1.ev-v3')
}, 120_000)
