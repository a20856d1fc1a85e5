// The ledger of a month and the board's flags, a page at a time: every item once, in the region index's order
// (region code, instant, id), and a cursor resumes only the region and month it was given out for.
import { PutItemCommand } from 'dynamodb-toolbox/entity/actions/put'
import { afterEach, expect, it } from 'vitest'
import { startTestRuntime, type TestRuntime, zhao } from '../fixtures/runtime.ts'

let rt: TestRuntime
afterEach(async () => {
  await rt?.stop()
})

const problemFields = (body: { problems?: { field: string }[] }) => (body.problems ?? []).map((p) => p.field)

/** Reads a list page by page, `limit` at a time, answering every page's items. */
const everyPage = async (path: string, list: 'entries' | 'flags', limit: number) => {
  const pages: string[][] = []
  let cursor: string | undefined
  do {
    const r = await rt.call(
      'GET',
      `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { as: zhao },
    )
    expect(r.status).toBe(200)
    const items = r.body[list] as { entryId?: string; visitId: string; raisedAt?: string }[]
    expect(items.length).toBeLessThanOrEqual(limit)
    pages.push(items.map((i) => i.entryId ?? `${i.visitId}@${i.raisedAt}`))
    cursor = r.body.nextCursor
  } while (cursor && pages.length < 50)
  return pages
}

const subject = (n: number) => ({
  visitId: `c-${n}.ev-v1`,
  matterId: `c-${n}`,
  officerId: 'wang',
  unitId: 'township',
  regionCode: n % 3 === 0 ? '330106009000' : '330106',
  dueDate: '2026-03-02',
})
const instantOf = (n: number) => `2026-03-${String(10 + (n % 7)).padStart(2, '0')}T0${n % 10}:00:00.000Z`

it('answers a ledger of more entries than a page every entry once, in order, page by page', async () => {
  rt = await startTestRuntime('2026-03-20T02:00:00Z')
  const { store } = rt.deps
  const count = 23
  for (let n = 0; n < count; n++) {
    await store.LedgerEntry.build(PutItemCommand)
      .item({
        entryId: `overdue-c-${n}.ev-v1-2026-03-02`,
        kind: 'overdue',
        ...subject(n),
        recordedAt: instantOf(n),
        detail: 'not done five working days after 2026-03-02',
      })
      .send()
  }
  // Another county's and another month's entries are not the region's month.
  await store.LedgerEntry.build(PutItemCommand)
    .item({
      entryId: 'overdue-elsewhere',
      kind: 'overdue',
      ...subject(1),
      regionCode: '330102',
      recordedAt: instantOf(1),
      detail: 'x',
    })
    .send()
  await store.LedgerEntry.build(PutItemCommand)
    .item({
      entryId: 'overdue-april',
      kind: 'overdue',
      ...subject(1),
      recordedAt: '2026-04-02T02:00:00.000Z',
      detail: 'x',
    })
    .send()

  const whole = await rt.call('GET', '/regions/330106/accountability?month=2026-03&limit=200', { as: zhao })
  expect(whole.body.nextCursor).toBeUndefined()
  const expected = (whole.body.entries as { entryId: string; regionCode: string; recordedAt: string }[]).map(
    (e) => `${e.regionCode.padEnd(12, '0')}#${e.recordedAt}#${e.entryId}`,
  )
  expect(expected).toHaveLength(count)
  expect(expected).toEqual([...expected].sort())

  for (const limit of [1, 4, 7, 23]) {
    const pages = await everyPage('/regions/330106/accountability?month=2026-03', 'entries', limit)
    expect(pages.flat()).toEqual(whole.body.entries.map((e: { entryId: string }) => e.entryId))
    expect(pages.slice(0, -1).every((p) => p.length === limit)).toBe(true)
  }
  // The default page is 50 entries.
  const first = await rt.call('GET', '/regions/330106/accountability?month=2026-03', { as: zhao })
  expect(first.body.entries).toHaveLength(count)

  // A cursor resumes the region and month it was given out for, and no other.
  const page1 = await rt.call('GET', '/regions/330106/accountability?month=2026-03&limit=5', { as: zhao })
  const cursor = encodeURIComponent(page1.body.nextCursor)
  for (const path of [
    `/regions/330106/accountability?month=2026-04&cursor=${cursor}`,
    `/regions/330106009000/accountability?month=2026-03&cursor=${cursor}`,
    `/regions/330106/board?month=2026-03&cursor=${cursor}`,
  ]) {
    const r = await rt.call('GET', path, { as: zhao })
    expect([r.status, problemFields(r.body)]).toEqual([400, ['query.cursor']])
  }
}, 120_000)

it("answers the board's flags of a month a page at a time, and its figures over the whole month", async () => {
  rt = await startTestRuntime('2026-03-20T02:00:00Z')
  const { store } = rt.deps
  const count = 9
  for (let n = 0; n < count; n++) {
    await store.Flag.build(PutItemCommand)
      .item({
        flagId: `flag-${n}`,
        kind: 'overdue',
        visitId: `c-${n}.ev-v1`,
        matterId: `c-${n}`,
        petitionerId: 'li',
        officerId: 'wang',
        unitId: 'township',
        regionCode: subject(n).regionCode,
        raisedAt: instantOf(n),
        detail: 'overdue',
      })
      .send()
  }
  const whole = await rt.call('GET', '/regions/330106/board?month=2026-03&limit=200', { as: zhao })
  expect(whole.body.flags).toHaveLength(count)
  expect(whole.body.nextCursor).toBeUndefined()
  const pages = await everyPage('/regions/330106/board?month=2026-03', 'flags', 2)
  expect(pages.flat()).toEqual(
    whole.body.flags.map((f: { visitId: string; raisedAt: string }) => `${f.visitId}@${f.raisedAt}`),
  )
  const page1 = await rt.call('GET', '/regions/330106/board?month=2026-03&limit=2', { as: zhao })
  expect(page1.body).toMatchObject({ regionCode: '330106', month: '2026-03', officers: whole.body.officers })
  const replayed = await rt.call(
    'GET',
    `/regions/330106/accountability?month=2026-03&cursor=${encodeURIComponent(page1.body.nextCursor)}`,
    { as: zhao },
  )
  expect([replayed.status, problemFields(replayed.body)]).toEqual([400, ['query.cursor']])
}, 120_000)
