// Every route of every function, called by staff of another province with the ids and the region of a seeded one:
// nothing of that region may leak. A route that addresses an object answers as it would for an object that exists
// nowhere (the 404 of shared/access/rules/object-scope.ts, or the same refusal); a route that names the region
// answers 403; no answer carries anything of the region the caller did not send; nothing of it is written. The walk
// iterates the route table, so a route added later is walked too: a route that takes a body without a path parameter
// fails here until it is given one below.
import { ScanCommand } from 'dynamodb-toolbox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../shared/access/rules/roles.ts'
import { INBOUND_SECRET_HEADER } from '../../shared/notifications/actions/receive-inbound-sms.ts'
import { type Route, routes } from '../../shared/platform/http/all-routes.ts'
import { answersChecked, startTestRuntime } from '../fixtures/answers.ts'
import {
  admin,
  type Identity,
  INBOUND_SECRET,
  resolveMatterOfLi,
  seedRegion,
  type TestRuntime,
  wang,
} from '../fixtures/runtime.ts'

const SEEDED_REGION = '330106'

/** The values a request may carry: of the seeded region, or of nothing at all. */
interface Values {
  visitId: string
  officerId: string
  matterId: string
  notificationId: string
  unitId: string
  petitionerId: string
  subjectType: string
  subjectId: string
  regionCode: string
  phone: string
  year: string
}

let rt: TestRuntime
let seeded: Values
const nowhere: Values = {
  visitId: 'nowhere-visit',
  officerId: 'nowhere-officer',
  matterId: 'nowhere-case',
  notificationId: 'nowhere-sms',
  unitId: 'nowhere-unit',
  petitionerId: 'nowhere-petitioner',
  subjectType: 'matter',
  subjectId: 'nowhere-case',
  regionCode: '330105',
  phone: '+8613900000001',
  year: '2031',
}

/** Whose answers are compared: staff of Jiangsu (another province), and staff of the seeded county. */
const foreign = (role: Role): Identity =>
  role === 'admin'
    ? { sub: 'su-admin', role, region: '320000' }
    : { sub: `su-${role}`, role, region: '320106' }
const inScope = (role: Role): Identity =>
  role === 'admin' ? admin : { sub: `xi-${role}`, role, region: '330106' }

/**
 * How a route that has no path parameter is to be called: its body, from the values, and what it must answer.
 * `missing`: what a caller in scope gets for values that exist nowhere; `region`: 403, the body names the region;
 * `national`: data of no region (SMS templates), only checked for what it tells; a number: that status, where the
 * answer cannot be the missing one's (an id taken is told taken, never where).
 */
type Expectation = 'missing' | 'region' | 'national' | number
const byBody: Record<string, { body: (v: Values) => unknown; expect: Expectation }> = {
  'POST /admin/units': {
    // An id is global: taken is told (409), where is not.
    body: () => ({ unitId: 'township', name: '苏州新单位', regionCode: '320106', level: 'township' }),
    expect: 409,
  },
  'POST /admin/officers': {
    body: (v) => ({ officerId: 'su-new-officer', name: '苏一', phone: '13600136001', unitId: v.unitId }),
    expect: 'missing',
  },
  'POST /admin/petitioners': {
    body: (v) => ({
      petitionerId: 'su-new-petitioner',
      name: '苏二',
      phone: '13600136002',
      unitId: v.unitId,
    }),
    expect: 'missing',
  },
  // National data, and the same answer to anyone admitted.
  'POST /admin/calendar-years': {
    body: (v) => ({ year: v.year, source: '国务院办公厅通知', off: [`${v.year}-01-01`], work: [] }),
    expect: 'missing',
  },
  'POST /admin/cadence-policies': {
    body: (v) => ({
      regionCode: v.regionCode,
      policy: {
        trigger: 'resolved',
        visits: [{ unit: 'workingDays', value: 5 }],
        reminders: [{ unit: 'workingDays', before: 1, at: '09:00' }],
      },
    }),
    expect: 'region',
  },
  'POST /matters': {
    body: (v) => ({
      matterId: 'su-new-case',
      petitionerId: v.petitionerId,
      category: '劳动保障',
      summary: '欠薪',
    }),
    expect: 'missing',
  },
  'POST /admin/opt-outs': {
    body: (v) => ({ phone: v.phone, optedOut: true, petitionerId: v.petitionerId }),
    expect: 'missing',
  },
  'POST /admin/quiet-hours': {
    body: (v) => ({ regionCode: v.regionCode, start: '22:00', end: '07:00' }),
    expect: 'region',
  },
  'POST /admin/templates': { body: () => template, expect: 'national' },
  // The SMS provider's callback: no caller of any region; a reply from the seeded petitioner's phone is answered as
  // one from a number nobody has.
  'POST /sms/inbound': { body: (v) => ({ from: v.phone, text: '收到' }), expect: 'missing' },
}

/** The bodies of routes with a path parameter: valid, so that the route gets as far as looking the object up. */
const withPath: Record<string, unknown> = {
  'POST /admin/officers/{officerId}/sign-in': { email: 'su-sign-in@aftercare.invalid' },
  'PUT /admin/units/{unitId}': {
    name: '西溪街道',
    regionCode: '330106009000',
    level: 'township',
    parentUnitId: 'county',
  },
  'PUT /admin/officers/{officerId}': { name: '王芳', phone: '13800138000', unitId: 'township' },
  'PUT /admin/petitioners/{petitionerId}': { name: '李明', phone: '13900139000', unitId: 'community' },
  'POST /matters/{matterId}/events': { type: 'terminated' },
  'POST /visits/{visitId}/outcome': {
    reached: true,
    method: 'home-visit',
    satisfaction: 'satisfied',
    repeatPetitionRisk: 'low',
  },
  'POST /visits/{visitId}/reassign': { officerId: 'wang', reason: '调整' },
  'POST /visits/{visitId}/cancel': { reason: '调整' },
  'POST /visits/{visitId}/reschedule': { dueDate: '2026-03-06', reason: '外出' },
  'POST /visits/{visitId}/appointment': { at: '2026-03-04T06:30:00Z' },
  'POST /officers/{officerId}/leave': { reason: '调任' },
  'POST /matters/{matterId}/visits/close-remaining': { triggerEventId: 'ev', reason: '满意' },
  'POST /notifications/{notificationId}/resolution': { resolution: 'sent' },
}

let template: { template: string; locale: string; text: string }

/** Everything stored of the seeded region, to compare before and after the walk. */
const storedOfRegion = async () => {
  const { Items = [] } = await rt.deps.store.table
    .build(ScanCommand)
    .options({ consistent: true, maxPages: Number.POSITIVE_INFINITY })
    .send()
  return Items.map((item) => JSON.stringify(item))
    .filter((text) => text.includes(SEEDED_REGION))
    .sort()
}

/** What the seeded region holds that no caller of elsewhere may read: names, numbers, codes, ids, what was said. */
let secrets: string[]

beforeAll(async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  await seedRegion(rt)
  await resolveMatterOfLi(rt, 'c-1', 'ev')
  await rt.drain()
  const worklist = await rt.call('GET', '/officers/wang/worklist', { as: wang })
  const visitId = worklist.body.visits[0]?.visitId
  expect(visitId, 'a visit planned for the matter').toEqual(expect.any(String))
  const { Items: notifications = [] } = await rt.deps.store.table
    .build(ScanCommand)
    .entities(rt.deps.store.Notification)
    .options({ consistent: true, maxPages: Number.POSITIVE_INFINITY })
    .send()
  const notificationId = notifications.find((n) => n.regionCode.startsWith(SEEDED_REGION))?.notificationId
  expect(notificationId, 'a notification of the seeded region').toEqual(expect.any(String))
  seeded = {
    visitId,
    officerId: 'wang',
    matterId: 'c-1',
    notificationId: notificationId as string,
    unitId: 'township',
    petitionerId: 'li',
    subjectType: 'matter',
    subjectId: 'c-1',
    regionCode: SEEDED_REGION,
    phone: '+8613900139000',
    year: '2030',
  }
  const templates = await rt.call('GET', '/admin/templates', { as: admin })
  // Saved again as it is: the route is walked without changing what any office sends.
  const first = templates.body.templates[0]
  template = { template: first.template, locale: 'zh-CN', text: first.texts['zh-CN'].text }
  secrets = [
    SEEDED_REGION,
    ...worklist.body.visits.map((v: { visitId: string }) => v.visitId),
    notificationId as string,
    '王芳',
    '赵强',
    '李明',
    '西湖区信访局',
    '西溪街道',
    '西溪社区',
    '13800138000',
    '13700137000',
    '13900139000',
  ]
  // Everyone who will call, known to the directory before the snapshot is taken.
  const roles = [...new Set(routes.flatMap((r) => r.roles as readonly Role[]))]
  for (const role of roles) {
    await rt.token(foreign(role))
    await rt.token(inScope(role))
  }
})
afterAll(async () => rt?.stop())

const parametersOf = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as keyof Values)
const fill = (path: string, v: Values) => path.replace(/\{(\w+)\}/g, (_, name: keyof Values) => v[name])
const keyOf = (route: Route) => `${route.method} ${route.path}`

/** One request to a route as a caller (none for the SMS provider's callback), with the values given. */
const request = (route: Route, as: Identity | undefined, v: Values) => {
  const key = keyOf(route)
  const viaPath = parametersOf(route.path).length > 0
  const body = viaPath ? withPath[key] : byBody[key]?.body(v)
  const inbound = (route as { auth?: string }).auth === 'inbound-secret'
  return rt.call(route.method, fill(route.path, v), {
    as: inbound ? undefined : as,
    body,
    headers: inbound ? { [INBOUND_SECRET_HEADER]: INBOUND_SECRET } : undefined,
  })
}

/**
 * The answer with each value the caller sent written as the other set's: the same text if it told the same. Whole
 * ids only (`li`, not the `li` of `list`).
 */
const asIfSent = (answer: unknown, sent: string, from: Values, to: Values) => {
  let text = JSON.stringify(answer)
  const pairs = (Object.keys(from) as (keyof Values)[])
    .filter((k) => from[k] !== to[k] && sent.includes(from[k]))
    .sort((a, b) => from[b].length - from[a].length)
  for (const k of pairs) {
    const escaped = from[k].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    text = text.replace(new RegExp(`(?<![\\w.-])${escaped}(?![\\w-])`, 'g'), to[k])
  }
  return JSON.parse(text)
}

describe('every route, called from another province', () => {
  it('tells nothing of the seeded region: 404 as for a missing object, 403 where the region is named', async () => {
    const before = await storedOfRegion()
    const walked: string[] = []
    const wrong: unknown[] = []
    for (const route of routes) {
      const key = keyOf(route)
      const params = parametersOf(route.path)
      const takesBody = route.method !== 'GET'
      if (takesBody) {
        const given = params.length > 0 ? withPath[key] : byBody[key]
        expect(given, `a body for ${key} in route-sweep.test.ts`).toBeDefined()
      }
      // A list without a path parameter (warnings, templates) is checked for what it tells.
      const expectation: Expectation = params.includes('regionCode')
        ? 'region'
        : params.length > 0
          ? 'missing'
          : (byBody[key]?.expect ?? 'national')
      const roles: (Role | undefined)[] =
        route.roles.length > 0 ? [...(route.roles as readonly Role[])] : [undefined]
      for (const role of roles) {
        walked.push(`${key} as ${role ?? 'the SMS provider'}`)
        const from = role ? foreign(role) : undefined
        const r = await request(route, from, seeded)
        const who = `${key} as ${role ?? 'the SMS provider'}`
        // Nothing of the region in the answer but what the caller sent (a 403 names the region it was asked for).
        const sent = JSON.stringify(params.length > 0 ? fill(route.path, seeded) : byBody[key]?.body(seeded))
        const told = secrets.filter((s) => JSON.stringify(r.body).includes(s) && !sent.includes(s))
        if (told.length > 0) wrong.push([who, 'tells', told, r.body])
        if (expectation === 'region') {
          if (r.status !== 403) wrong.push([who, r.status, 'expected 403', r.body])
          continue
        }
        if (typeof expectation === 'number') {
          if (r.status !== expectation) wrong.push([who, r.status, `expected ${expectation}`, r.body])
          continue
        }
        if (expectation === 'national') continue
        // Exactly what a caller in scope, of the same role, gets for values that exist nowhere: a 404 where an object
        // is addressed, the same field problem where a body names one, the same success for national data.
        const absent = await request(route, role ? inScope(role) : undefined, nowhere)
        const mine = asIfSent(r.body, sent, seeded, nowhere)
        if (absent.status !== r.status || JSON.stringify(absent.body) !== JSON.stringify(mine))
          wrong.push([who, r.status, mine, 'but missing values get', absent.status, absent.body])
      }
    }
    expect(wrong).toEqual([])
    // Every route walked, each with every role it admits.
    expect(new Set(walked.map((w) => w.split(' as ')[0])).size).toBe(routes.length)
    expect(await storedOfRegion()).toEqual(before)
  }, 180_000)
})

describe('every success answer of the walk and of the seeding', () => {
  // Each was held against its route's declared response schema as it came (tests/fixtures/answers.ts).
  it('is what its route declares', async () => {
    // Reads of the seeded region by those in scope, so that their answers are held against their schemas too.
    for (const path of [
      `/matters/${seeded.matterId}`,
      `/notifications/${seeded.notificationId}`,
      `/regions/${SEEDED_REGION}/notifications/unknown`,
      `/regions/${SEEDED_REGION}/reports/monthly`,
    ])
      expect((await rt.call('GET', path, { as: admin })).status, path).toBe(200)
    expect([...answersChecked.keys()]).toEqual(
      expect.arrayContaining([
        'POST /admin/units',
        'POST /admin/officers',
        'POST /admin/petitioners',
        'POST /matters',
        'POST /matters/{matterId}/events',
        'GET /officers/{officerId}/worklist',
        'GET /admin/templates',
        'GET /matters/{matterId}',
        'GET /notifications/{notificationId}',
        'GET /regions/{regionCode}/notifications/unknown',
        'GET /regions/{regionCode}/reports/monthly',
      ]),
    )
  })
})
