// Directory writes that must not lose what others wrote: POST creates (409 if the id exists), PUT replaces only
// what its body gives, never the open visits or the sign-in written meanwhile, never reactivating by omission;
// unknown fields are refused; a sign-in's link follows its record even when two writes race.
import { randomBytes } from 'node:crypto'
import { $add, GetItemCommand, PutItemCommand, UpdateItemCommand } from 'dynamodb-toolbox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { linkSignIn } from '../../shared/directory/actions/link-sign-in.ts'
import { replaceOfficer } from '../../shared/directory/actions/replace-officer.ts'
import { LOCAL_ISSUER, signLocalIdToken } from '../../shared/directory/sign-in/local-tokens.ts'
import type { AppDeps } from '../../shared/platform/deps.ts'
import { ConflictError } from '../../shared/platform/errors.ts'
import {
  admin,
  type Identity,
  seedRegion,
  startTestRuntime,
  type TestRuntime,
  zhao,
} from '../fixtures/runtime.ts'

const SECRET = randomBytes(32).toString('hex')
const actor = { id: 'test-admin', role: 'admin' as const, regionCode: '330000' }

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z', { tokenSecret: SECRET })
  await seedRegion(rt)
})
afterAll(async () => rt?.stop())

const createOfficer = async (officerId: string, extra: Record<string, unknown> = {}) => {
  const r = await rt.call('POST', '/admin/officers', {
    as: admin,
    body: { officerId, name: officerId, phone: '13600136000', unitId: 'township', ...extra },
  })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return r.body
}

/**
 * The deps of a write that reads an entity's item and then writes: `meanwhile` runs once, right after that read, as
 * another request would between the read and the write.
 */
const interleaved = (
  deps: AppDeps,
  entity: 'Officer' | 'Petitioner',
  meanwhile: () => Promise<unknown>,
): AppDeps => {
  let pending: (() => Promise<unknown>) | undefined = meanwhile
  // biome-ignore lint/suspicious/noExplicitAny: a command builder, whatever its entity
  const wrap = (command: any): any =>
    new Proxy(command, {
      get(target, property) {
        const value = Reflect.get(target, property)
        if (property === 'send') {
          return async (...args: unknown[]) => {
            const result = await value.apply(target, args)
            const run = pending
            pending = undefined
            await run?.()
            return result
          }
        }
        return typeof value === 'function'
          ? (...args: unknown[]) => {
              const out = value.apply(target, args)
              return out && typeof out === 'object' && 'send' in out ? wrap(out) : out
            }
          : value
      },
    })
  const original = deps.store[entity]
  const proxied = new Proxy(original, {
    get(target, property) {
      if (property !== 'build') return Reflect.get(target, property)
      return (command: unknown, ...rest: unknown[]) => {
        // biome-ignore lint/suspicious/noExplicitAny: the entity's own builder
        const built = (target.build as any)(command, ...rest)
        return command === GetItemCommand ? wrap(built) : built
      }
    },
  })
  return { ...deps, store: { ...deps.store, [entity]: proxied } }
}

describe('creating what exists', () => {
  it('answers 409 naming the PUT that replaces it, for a unit, a staff record and a petitioner', async () => {
    const unit = await rt.call('POST', '/admin/units', {
      as: admin,
      body: { unitId: 'township', name: '西溪街道', regionCode: '330106009000', level: 'township' },
    })
    expect([unit.status, unit.body.message]).toEqual([
      409,
      'unitId: township exists already; PUT /admin/units/township replaces it',
    ])
    const officer = await rt.call('POST', '/admin/officers', {
      as: admin,
      body: { officerId: 'wang', name: '王芳', phone: '13800138000', unitId: 'township' },
    })
    expect([officer.status, officer.body.message]).toEqual([
      409,
      'officerId: wang exists already; PUT /admin/officers/wang replaces it',
    ])
    const petitioner = await rt.call('POST', '/admin/petitioners', {
      as: admin,
      body: { petitionerId: 'li', name: '李明', phone: '13900139000', unitId: 'community' },
    })
    expect([petitioner.status, petitioner.body.message]).toEqual([
      409,
      'petitionerId: li exists already; PUT /admin/petitioners/li replaces it',
    ])
  })

  it('replaces with PUT, answering 404 for a record that does not exist and 400 for a body naming another id', async () => {
    const renamed = await rt.call('PUT', '/admin/petitioners/li', {
      as: admin,
      body: { name: '李明明', phone: '13900139000', unitId: 'community' },
    })
    expect(renamed.status).toBe(200)
    expect(renamed.body).toMatchObject({ petitionerId: 'li', name: '李明明', phone: '139****9000' })
    const missing = await rt.call('PUT', '/admin/petitioners/nobody', {
      as: admin,
      body: { name: '某', phone: '13900139000', unitId: 'community' },
    })
    expect([missing.status, missing.body.message]).toEqual([404, 'petitioner nobody not found'])
    const other = await rt.call('PUT', '/admin/petitioners/li', {
      as: admin,
      body: { petitionerId: 'lu', name: '李明', phone: '13900139000', unitId: 'community' },
    })
    expect(other.status).toBe(400)
    expect(other.body.problems).toEqual([
      { field: 'petitionerId', reason: 'is li in the path and lu in the body: they must be the same' },
    ])
  })
})

describe('a person who has left', () => {
  it('is not reactivated by a POST (409) nor by a PUT that does not say so; "active": true does', async () => {
    await createOfficer('qin')
    const qin: Identity = { sub: 'qin', role: 'officer', region: '330106009000' }
    expect((await rt.call('GET', '/officers/qin/worklist', { as: qin })).status).toBe(200)
    expect(
      (await rt.call('POST', '/officers/qin/leave', { as: zhao, body: { reason: '调任' } })).status,
    ).toBe(200)

    const again = await rt.call('POST', '/admin/officers', {
      as: admin,
      body: { officerId: 'qin', name: '秦', phone: '13600136000', unitId: 'township' },
    })
    expect(again.status).toBe(409)
    const renamed = await rt.call('PUT', '/admin/officers/qin', {
      as: admin,
      body: { name: '秦', phone: '13600136000', unitId: 'township' },
    })
    expect(renamed.status).toBe(200)
    expect(renamed.body).toMatchObject({ name: '秦', active: false })
    rt.clock.advance(61_000)
    const token = await signLocalIdToken(SECRET, { username: 'qin' })
    const refused = await fetch(`${rt.url}/officers/qin/worklist`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(refused.status).toBe(403)

    const back = await rt.call('PUT', '/admin/officers/qin', {
      as: admin,
      body: { name: '秦', phone: '13600136000', unitId: 'township', active: true },
    })
    expect(back.body).toMatchObject({ active: true })
    rt.clock.advance(61_000)
    expect((await rt.call('GET', '/officers/qin/worklist', { as: qin })).status).toBe(200)
  })
})

const reasonsOf = (body: { problems: { reason: string }[] }) => body.problems.map((p) => p.reason).join('\n')

describe('unknown fields', () => {
  it('are refused with a 400 naming them, on create and on replace', async () => {
    const created = await rt.call('POST', '/admin/officers', {
      as: admin,
      body: { officerId: 'wei', name: '魏', phone: '13600136000', unitId: 'township', acitve: false },
    })
    expect(created.status).toBe(400)
    expect(created.body.problems).toEqual([
      {
        field: 'acitve',
        reason: expect.stringMatching(/^unknown field "acitve": the fields are officerId, /),
      },
    ])
    const counter = await rt.call('PUT', '/admin/officers/wang', {
      as: admin,
      body: { name: '王芳', phone: '13800138000', unitId: 'township', openVisits: 0 },
    })
    expect(counter.status).toBe(400)
    expect(reasonsOf(counter.body)).toContain('unknown field "openVisits"')
    const signIn = await rt.call('POST', '/admin/officers/wang/sign-in', {
      as: admin,
      body: { email: 'wang@x.cn', issuer: 'https://elsewhere' },
    })
    expect(signIn.status).toBe(400)
    expect(reasonsOf(signIn.body)).toContain('unknown field "issuer"')
    for (const [path, body] of [
      ['/admin/units', { unitId: 'u9', name: 'u', regionCode: '330106', level: 'county', parent: 'x' }],
      ['/admin/petitioners', { petitionerId: 'p9', name: 'p', phone: '13600136000', unitId: 'x', age: 3 }],
      ['/admin/cadence-policies', { regionCode: '330106', policy: {}, note: 'x' }],
    ] as const) {
      const r = await rt.call('POST', path, { as: admin, body })
      expect(r.status, path).toBe(400)
      expect(reasonsOf(r.body), path).toMatch(/unknown field "(parent|age|note)"/)
    }
  })
})

describe('a replacement racing with planning and linking', () => {
  it('keeps a visit planned between its read and its write: the officer still has it open', async () => {
    await createOfficer('tang')
    // A visit planned for Tang after the replacement read her record, as the planner counts it.
    const planned = interleaved(rt.deps, 'Officer', () =>
      rt.deps.store.Officer.build(UpdateItemCommand)
        .item({ officerId: 'tang', openVisits: $add(1) })
        .send(),
    )
    await replaceOfficer(planned, actor, 'tang', {
      name: '唐', // renamed
      phone: '13600136000',
      unitId: 'township',
    })
    const promoted = await rt.call('PUT', '/admin/officers/tang', {
      as: admin,
      body: { name: '唐', phone: '13600136000', unitId: 'township', duty: 'supervisor' },
    })
    expect(promoted.status).toBe(409)
    expect(promoted.body.message).toMatch(/^tang has 1 open visits: hand them over/)
  })

  it('refuses to make an officer something else when a visit is planned for her between its read and its write', async () => {
    await createOfficer('song')
    const planned = interleaved(rt.deps, 'Officer', () =>
      rt.deps.store.Officer.build(UpdateItemCommand)
        .item({ officerId: 'song', openVisits: $add(1) })
        .send(),
    )
    await expect(
      replaceOfficer(planned, actor, 'song', {
        name: 'song',
        phone: '13600136000',
        unitId: 'township',
        duty: 'committee',
      }),
    ).rejects.toThrow('song has 1 open visits: hand them over')
  })

  it('keeps a sign-in linked between its read and its write: the person can still act', async () => {
    await createOfficer('lu')
    const subject = 'e2b7a0f1-5c3d-4e6f-8a9b-0c1d2e3f4a5b'
    const linked = interleaved(rt.deps, 'Officer', () =>
      linkSignIn(rt.deps, actor, 'lu', { issuer: LOCAL_ISSUER, subject }),
    )
    await replaceOfficer(linked, actor, 'lu', { name: '陆', phone: '13600136000', unitId: 'township' })
    const token = await signLocalIdToken(SECRET, { username: 'lu', subject })
    const worklist = await fetch(`${rt.url}/officers/lu/worklist`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(worklist.status).toBe(200)
  })
})

describe('sign-in links', () => {
  it('lets a sign-in whose link was left behind by another record be linked to someone else', async () => {
    await createOfficer('xu')
    const subject = '7d1e2f3a-4b5c-4d6e-9f0a-1b2c3d4e5f60'
    // A link naming Wang, whose record keeps another sign-in: what an old replacement could leave behind.
    await rt.deps.store.SignInLink.build(PutItemCommand)
      .item({
        issuer: LOCAL_ISSUER,
        subject,
        officerId: 'wang',
        linkedAt: '2026-01-01T00:00:00.000Z',
        linkedBy: 'test',
      })
      .send()
    const r = await rt.call('POST', '/admin/officers/xu/sign-in', { as: admin, body: { subject } })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body).toMatchObject({ officerId: 'xu', link: 'linked' })
    rt.clock.advance(61_000)
    const token = await signLocalIdToken(SECRET, { username: 'xu', subject })
    const worklist = await fetch(`${rt.url}/officers/xu/worklist`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(worklist.status).toBe(200)
    // Wang's own sign-in still acts for her.
    const wangToken = await signLocalIdToken(SECRET, { username: 'wang' })
    const hers = await fetch(`${rt.url}/officers/wang/worklist`, {
      headers: { authorization: `Bearer ${wangToken}` },
    })
    expect(hers.status).toBe(200)
  })

  it('refuses a relink when the record was relinked meanwhile to the same subject of another issuer', async () => {
    await createOfficer('han')
    const subject = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
    await linkSignIn(rt.deps, actor, 'han', { issuer: LOCAL_ISSUER, subject })
    const otherIssuer = 'https://id.zj.gov.example'
    const relinkedMeanwhile = interleaved(rt.deps, 'Officer', () =>
      linkSignIn(rt.deps, actor, 'han', { issuer: otherIssuer, subject }),
    )
    await expect(
      linkSignIn(relinkedMeanwhile, actor, 'han', {
        issuer: LOCAL_ISSUER,
        subject: '5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c',
      }),
    ).rejects.toThrow(new ConflictError('the sign-in of han was changed meanwhile: try again'))
    // The record keeps the relink that won, and its link names it.
    const { Item: record } = await rt.deps.store.Officer.build(GetItemCommand)
      .key({ officerId: 'han' })
      .options({ consistent: true })
      .send()
    expect(record?.signIn).toEqual({ issuer: otherIssuer, subject })
    const { Item: link } = await rt.deps.store.SignInLink.build(GetItemCommand)
      .key({ issuer: otherIssuer, subject })
      .options({ consistent: true })
      .send()
    expect(link?.officerId).toBe('han')
  })
})

describe('names and phone numbers', () => {
  it('refuses, naming the field, a name with a control character, a bidirectional override or half a surrogate pair', async () => {
    const petitioner = (name: string) => ({
      petitionerId: 'he',
      name,
      phone: '13900139002',
      unitId: 'community',
    })
    for (const [name, reason] of [
      ['李\u202e明', /bidirectional/],
      ['李\n明', /control characters/],
      ['李\u2066明', /bidirectional/],
    ] as const) {
      const r = await rt.call('POST', '/admin/petitioners', { as: admin, body: petitioner(name) })
      expect(r.status, JSON.stringify(name)).toBe(400)
      expect(r.body.problems).toEqual([{ field: 'name', reason: expect.stringMatching(reason) }])
    }
    // JSON can carry half a pair as an escape.
    const lone = await rt.call('POST', '/admin/petitioners', {
      as: admin,
      rawBody: '{"petitionerId":"he","name":"\\ud800李","phone":"13900139002","unitId":"community"}',
      headers: { 'content-type': 'application/json' },
    })
    expect(lone.status).toBe(400)
    expect(lone.body.problems).toEqual([{ field: 'name', reason: expect.stringMatching(/lone surrogate/) }])
  })

  it('refuses a phone number that is not the whole text, or that SMS cannot reach', async () => {
    for (const phone of ['abc13800138000', '010 12345678', '13800138000 ext. 5']) {
      const r = await rt.call('PUT', '/admin/officers/wang', {
        as: admin,
        body: { name: '王芳', phone, unitId: 'township' },
      })
      expect(r.status, phone).toBe(400)
      expect(r.body.problems.map((p: { field: string }) => p.field)).toEqual(['phone'])
    }
    const mobile = await rt.call('POST', '/admin/petitioners', {
      as: admin,
      body: { petitionerId: 'he', name: '何', phone: '+86 139 0013 9002', unitId: 'community' },
    })
    expect(mobile.status).toBe(201)
    expect(mobile.body.phone).toBe('139****9002')
  })
})
