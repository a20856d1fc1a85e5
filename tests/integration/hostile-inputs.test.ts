// Inputs a fuzzer sends: made-up cursors, ids longer than any key, regions and months that are none. Each is
// answered 400 as JSON naming what is wrong, never 500, never a page of someone else's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../../shared/platform/http/all-routes.ts'
import { DERIVED_ID_MAX_BYTES, ID_MAX_BYTES } from '../../shared/platform/id.ts'
import {
  admin,
  type Identity,
  resolveMatterOfLi,
  seedRegion,
  startTestRuntime,
  type TestRuntime,
  wang,
  zhao,
} from '../fixtures/runtime.ts'

/** Another officer of Wang's township, with a worklist of her own. */
const zhou: Identity = { sub: 'zhou', role: 'officer', region: '330106009000' }

let rt: TestRuntime
let visitIds: string[]
beforeAll(async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  await seedRegion(rt)
  await resolveMatterOfLi(rt, 'c-1', 'ev')
  await rt.drain()
  const all = await rt.call('GET', '/officers/wang/worklist', { as: wang })
  visitIds = all.body.visits.map((v: { visitId: string }) => v.visitId)
  // Planned in the background: three visits of the default cadence, the pages below need at least two.
  expect(visitIds.length).toBeGreaterThanOrEqual(2)
  await rt.token(zhou)
})
afterAll(async () => rt?.stop())

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const problemFields = (body: { problems?: { field: string }[] }) => (body.problems ?? []).map((p) => p.field)

describe('worklist cursors', () => {
  it('resumes a worklist from the cursor it gave out', async () => {
    const page1 = await rt.call('GET', '/officers/wang/worklist?limit=1', { as: wang })
    expect(page1.body.nextCursor).toEqual(expect.any(String))
    const page2 = await rt.call('GET', `/officers/wang/worklist?limit=1&cursor=${page1.body.nextCursor}`, {
      as: wang,
    })
    expect(page2.status).toBe(200)
    expect(page2.body.visits.map((v: { visitId: string }) => v.visitId)).toEqual([visitIds[1]])
  })

  it('answers a made-up or altered cursor 400 naming query.cursor, whatever it decodes to', async () => {
    const page1 = await rt.call('GET', '/officers/wang/worklist?limit=1', { as: wang })
    const [, seal] = String(page1.body.nextCursor).split('.')
    // A resume key of the very shape this worklist gives out, naming another visit of Wang's.
    const wellShaped = {
      pk: `VISIT#${visitIds[1]}`,
      sk: 'VISIT',
      gsi1pk: 'OFFICER#wang#VISITS',
      gsi1sk: `2026-01-01T01:00:00.000Z#${visitIds[1]}`,
    }
    const forged = {
      'not base64 JSON': '!!!',
      'a JSON string': base64url('VISIT#x'),
      'a JSON array': base64url([1, 2]),
      'a key with a number': base64url({ pk: 1, sk: 'VISIT' }),
      'a key of another partition': base64url({ ...wellShaped, gsi1pk: 'OFFICER#zhao#VISITS' }),
      'a key of the right shape, unsealed': base64url(wellShaped),
      'a key of the right shape under the seal of another': `${base64url(wellShaped)}.${seal}`,
      'a seal made up': `${base64url(wellShaped)}.${'A'.repeat(43)}`,
      'three parts': `${page1.body.nextCursor}.x`,
    }
    const answers = []
    for (const [what, cursor] of Object.entries(forged)) {
      const r = await rt.call('GET', `/officers/wang/worklist?limit=1&cursor=${encodeURIComponent(cursor)}`, {
        as: wang,
      })
      answers.push([what, r.status, problemFields(r.body)])
    }
    expect(answers).toEqual(Object.keys(forged).map((what) => [what, 400, ['query.cursor']]))
  })

  it("refuses a cursor of one officer's worklist on another's, even to a supervisor who may read both", async () => {
    const wangsPage = await rt.call('GET', '/officers/wang/worklist?limit=1', { as: zhao })
    expect(wangsPage.body.nextCursor).toEqual(expect.any(String))
    const replayed = await rt.call(
      'GET',
      `/officers/zhou/worklist?limit=1&cursor=${wangsPage.body.nextCursor}`,
      {
        as: zhao,
      },
    )
    expect(replayed.status).toBe(400)
    expect(replayed.body.problems).toEqual([
      { field: 'query.cursor', reason: 'is not a cursor this API gave out for this list' },
    ])
    // And Zhou, on her own worklist, with a cursor she was never given.
    const asZhou = await rt.call('GET', `/officers/zhou/worklist?cursor=${wangsPage.body.nextCursor}`, {
      as: zhou,
    })
    expect([asZhou.status, problemFields(asZhou.body)]).toEqual([400, ['query.cursor']])
  })
})

/** Who may call a route: the administrator where admitted, else someone of 330106 with the route's first role. */
const callerOf = (route: (typeof routes)[number]): Identity => {
  const roles: readonly string[] = route.roles
  if (roles.includes('admin')) return admin
  const role = route.roles[0] as Identity['role']
  return { sub: `edge-${role}`, role, region: '330106' }
}
const parametersOf = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string)
const validValue: Record<string, string> = { regionCode: '330106', subjectType: 'matter' }
const fill = (path: string, name: string, value: string) =>
  path.replace(/\{(\w+)\}/g, (_, p: string) => (p === name ? value : (validValue[p] ?? 'x1')))

describe('path parameters', () => {
  const withParameters = routes.filter((r) => parametersOf(r.path).length > 0)

  it('answers every path parameter of every route, longer than any key may be, 400 naming it', async () => {
    expect(withParameters.length).toBeGreaterThanOrEqual(15)
    const answers: unknown[] = []
    const expected: unknown[] = []
    for (const route of withParameters) {
      for (const name of parametersOf(route.path)) {
        const r = await rt.call(route.method, fill(route.path, name, 'x'.repeat(3000)), {
          as: callerOf(route),
          body: route.method === 'POST' ? {} : undefined,
        })
        answers.push([route.method, route.path, name, r.status, problemFields(r.body)])
        expected.push([route.method, route.path, name, 400, [`path.${name}`]])
      }
    }
    expect(answers).toEqual(expected)
  }, 120_000)

  it('names the byte cap of an id, the office-chosen and the derived one', async () => {
    const longMatter = await rt.call('GET', `/matters/${'c'.repeat(ID_MAX_BYTES + 1)}`, { as: zhao })
    expect(longMatter.body.problems).toEqual([
      { field: 'path.matterId', reason: `must be at most ${ID_MAX_BYTES} bytes, not ${ID_MAX_BYTES + 1}` },
    ])
    const longVisit = await rt.call('GET', `/visits/${'v'.repeat(DERIVED_ID_MAX_BYTES + 1)}`, { as: zhao })
    expect(longVisit.body.problems).toEqual([
      {
        field: 'path.visitId',
        reason: `must be at most ${DERIVED_ID_MAX_BYTES} bytes, not ${DERIVED_ID_MAX_BYTES + 1}`,
      },
    ])
    // At the cap: looked up, and missing.
    expect((await rt.call('GET', `/visits/${'v'.repeat(DERIVED_ID_MAX_BYTES)}`, { as: zhao })).status).toBe(
      404,
    )
    expect((await rt.call('GET', `/matters/${'c'.repeat(ID_MAX_BYTES)}`, { as: zhao })).status).toBe(404)
    // A real visit id, derived from the matter and the event, is one a path may carry.
    expect((await rt.call('GET', `/visits/${visitIds[0]}`, { as: zhao })).status).toBe(200)
  })

  it('answers ids outside the id grammar 400 naming the parameter', async () => {
    const cases = [
      ['/matters/c%231', 'path.matterId'], // a `#`, which separates the parts of a key
      ['/matters/c.1', 'path.matterId'], // a `.`, which joins a matter and an event
      [`/matters/${encodeURIComponent('案件一')}`, 'path.matterId'],
      ['/visits/-v1', 'path.visitId'],
      ['/officers/wang%00/worklist', 'path.officerId'],
      ['/audit/CASE/c-1', 'path.subjectType'],
    ]
    const answers = []
    for (const [path] of cases) {
      const r = await rt.call('GET', path as string, { as: zhao })
      answers.push([path, r.status, problemFields(r.body)])
    }
    expect(answers).toEqual(cases.map(([path, field]) => [path, 400, [field]]))
  })

  it('refuses an id in a body over the same cap, naming the field', async () => {
    const r = await rt.call('POST', '/matters', {
      as: zhao,
      body: { matterId: 'c'.repeat(2000), petitionerId: 'li', category: '劳动保障', summary: '欠薪' },
    })
    expect(r.status).toBe(400)
    expect(r.body.problems).toEqual([
      { field: 'matterId', reason: `must be at most ${ID_MAX_BYTES} bytes, not 2000` },
    ])
  })
})

describe('regions and months', () => {
  it('answers a region that is no division code 400 naming path.regionCode, on every region route', async () => {
    const regionRoutes = routes.filter((r) => r.path.includes('{regionCode}'))
    expect(regionRoutes.length).toBeGreaterThanOrEqual(5)
    const answers = []
    for (const route of regionRoutes) {
      for (const code of ['3301', '33abc', '3301060', '330106%20', '０３３０１０６']) {
        const r = await rt.call(route.method, fill(route.path, 'regionCode', encodeURIComponent(code)), {
          as: admin,
        })
        answers.push([route.path, code, r.status, problemFields(r.body)])
      }
    }
    expect(
      answers.filter(([, , status, fields]) => status !== 400 || String(fields) !== 'path.regionCode'),
    ).toEqual([])
  })

  it('takes months of 2000 to 2100 only, 400 naming query.month otherwise', async () => {
    const monthRoutes = [
      '/regions/330106/board',
      '/regions/330106/accountability',
      '/regions/330106/reports/monthly',
    ]
    const answers = []
    for (const path of monthRoutes) {
      for (const month of [
        '1999-12',
        '2101-01',
        '0000-01',
        '9999-12',
        '2026-13',
        '2026-00',
        '2026-3',
        '2026-03-01',
      ]) {
        const r = await rt.call('GET', `${path}?month=${month}`, { as: zhao })
        answers.push([path, month, r.status, problemFields(r.body)])
      }
      for (const month of ['2000-01', '2100-12']) {
        answers.push([path, month, (await rt.call('GET', `${path}?month=${month}`, { as: zhao })).status, []])
      }
    }
    expect(answers).toEqual(
      answers.map(([path, month]) => [
        path,
        month,
        ['2000-01', '2100-12'].includes(month as string) ? 200 : 400,
        ['2000-01', '2100-12'].includes(month as string) ? [] : ['query.month'],
      ]),
    )
  })
})
