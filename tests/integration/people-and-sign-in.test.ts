// People sign in as the directory knows them: Cognito-shaped ID tokens (a UUID `sub`) resolved through the sign-in
// link to a staff record, whose duty is the role and whose unit's region is the scope; the administrators' route
// and `npm run person` that make those links; the 401s of the authorizer and of the functions; units that hang only
// where their region belongs.
import { randomBytes } from 'node:crypto'
import { decodeJwt, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parsePersonCommand, runPersonCommand, UsageError } from '../../local/cli/person.ts'
import { createSignIn } from '../../shared/directory/actions/create-sign-in.ts'
import { localSubject } from '../../shared/directory/sign-in/local-sign-in.ts'
import {
  LOCAL_CLIENT_ID,
  LOCAL_ISSUER,
  signLocalIdToken,
} from '../../shared/directory/sign-in/local-tokens.ts'
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const SECRET = randomBytes(32).toString('hex')
const countyAdmin: Identity = { sub: 'xihu-admin', role: 'admin', region: '330106' }
const otherCountyAdmin: Identity = { sub: 'binjiang-admin', role: 'admin', region: '330108' }

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z', { tokenSecret: SECRET })
  await seedRegion(rt)
})
afterAll(async () => rt?.stop())

/** A call with a raw bearer token (or none). */
const callWith = async (token: string | undefined, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${rt.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await response.text()
  return { status: response.status, body: JSON.parse(text), headers: response.headers }
}

describe('an officer signed in as Cognito signs people in', () => {
  it('records the outcome of the visit assigned to her with a token whose sub is a UUID, audited as wang', async () => {
    const token = await rt.token(wang)
    const claims = decodeJwt(token)
    // What the old check compared with the visit's officerId: a UUID, never the directory id.
    expect(claims.sub).toMatch(UUID)
    expect(claims.sub).not.toBe('wang')
    expect(claims).toMatchObject({
      'cognito:username': 'wang',
      token_use: 'id',
      aud: LOCAL_CLIENT_ID,
      iss: LOCAL_ISSUER,
      email: 'wang@aftercare.invalid',
    })
    expect(claims.exp).toBe((claims.iat ?? 0) + 3600)
    expect(typeof claims.auth_time).toBe('number')

    await resolveMatterOfLi(rt, 'c-uuid', 'ev-uuid')
    await rt.drain()
    const visit = await rt.call('GET', '/visits/c-uuid.ev-uuid-v1', { as: zhao })
    expect(visit.body.officerId).toBe('wang')
    const worklist = await callWith(token, 'GET', '/officers/wang/worklist')
    expect(worklist.status).toBe(200)
    expect(worklist.body.visits.map((v: { visitId: string }) => v.visitId)).toContain('c-uuid.ev-uuid-v1')
    const done = await callWith(token, 'POST', '/visits/c-uuid.ev-uuid-v1/outcome', {
      reached: true,
      method: 'phone',
      satisfaction: 'satisfied',
      repeatPetitionRisk: 'low',
    })
    expect(done.status).toBe(200)
    expect(done.body.status).toBe('completed')
    const trail = await rt.call('GET', '/audit/visit/c-uuid.ev-uuid-v1', { as: zhao })
    expect(trail.body.entries).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'visit.completed', actor: 'wang' })]),
    )
  })

  it('keeps her sign-in when her record is replaced, and her duty while she has open visits', async () => {
    const body = { name: '王芳', phone: '13800138009', unitId: 'township' }
    const promoted = await rt.call('PUT', '/admin/officers/wang', {
      as: admin,
      body: { ...body, duty: 'supervisor' },
    })
    expect(promoted.status).toBe(409)
    expect(promoted.body.message).toMatch(/^wang has \d+ open visits: hand them over/)
    const replaced = await rt.call('PUT', '/admin/officers/wang', { as: admin, body })
    expect(replaced.status).toBe(200)
    expect(replaced.body.signIn).toEqual({
      issuer: LOCAL_ISSUER,
      subject: localSubject(LOCAL_ISSUER, 'wang'),
    })
    rt.clock.advance(61_000)
    // A token minted here, not through the fixture (which would link her again): her sign-in still acts for her.
    const token = await signLocalIdToken(SECRET, { username: 'wang' })
    expect((await callWith(token, 'GET', '/officers/wang/worklist')).status).toBe(200)
  })

  it('answers 403, naming the reason, to a valid token of a sign-in no record is linked to', async () => {
    const token = await signLocalIdToken(SECRET, { username: 'nobody' })
    const r = await callWith(token, 'GET', '/matters/c-uuid')
    expect(r.status).toBe(403)
    expect(r.body.error).toBe('ForbiddenError')
    expect(r.body.message).toContain(
      `no one in the directory is linked to this sign-in (subject ${localSubject(LOCAL_ISSUER, 'nobody')} of ${LOCAL_ISSUER})`,
    )
  })

  it('takes role and scope from the record, not from the token: a township officer cannot reach the county', async () => {
    const r = await rt.call('POST', '/admin/petitioners', {
      as: wang,
      body: { petitionerId: 'qian', name: '钱', phone: '13900139001', unitId: 'county' },
    })
    expect(r.status).toBe(400)
    expect(r.body.problems).toEqual([{ field: 'unitId', reason: 'unit county does not exist' }])
  })

  it('refuses an officer who has left, once the container forgets her (within a minute)', async () => {
    await rt.call('POST', '/admin/officers', {
      as: admin,
      body: { officerId: 'zhou', name: '周', phone: '13500135001', unitId: 'township' },
    })
    const zhou: Identity = { sub: 'zhou', role: 'officer', region: '330106009000' }
    expect((await rt.call('GET', '/officers/zhou/worklist', { as: zhou })).status).toBe(200)
    const left = await rt.call('POST', '/officers/zhou/leave', { as: zhao, body: { reason: '调任' } })
    expect(left.status).toBe(200)
    rt.clock.advance(61_000)
    const after = await rt.call('GET', '/officers/zhou/worklist', { as: zhou })
    expect(after.status).toBe(403)
    expect(after.body.message).toBe('zhou has left (the directory record is inactive) and can no longer act')
  })

  it('fails the test, not the request, when the identity disagrees with the directory', async () => {
    const wrong: Identity = { sub: 'wang', role: 'officer', region: '330106' }
    await expect(rt.call('GET', '/officers/wang/worklist', { as: wrong })).rejects.toThrow(
      'the directory has officer of 330106009000',
    )
  })
})

describe("an administrator's route to a person's sign-in", () => {
  beforeAll(async () => {
    const r = await rt.call('POST', '/admin/officers', {
      as: admin,
      body: { officerId: 'sun', name: '孙丽', phone: '13600136000', unitId: 'township', duty: 'committee' },
    })
    expect(r.status).toBe(201)
  })

  it('creates the sign-in, links it once however often it is asked, audits it, and gives a local token', async () => {
    const first = await rt.call('POST', '/admin/officers/sun/sign-in', {
      as: countyAdmin,
      body: { email: 'sun@xihu.gov.cn' },
    })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ officerId: 'sun', link: 'linked', account: 'created' })
    expect(first.body.signIn).toEqual({ issuer: LOCAL_ISSUER, subject: localSubject(LOCAL_ISSUER, 'sun') })
    expect(first.body.signIn.subject).toMatch(UUID)
    const again = await rt.call('POST', '/admin/officers/sun/sign-in', {
      as: countyAdmin,
      body: { email: 'sun@xihu.gov.cn' },
    })
    expect(again.body).toMatchObject({ link: 'unchanged', signIn: first.body.signIn })

    // The token acts for Sun, a committee member of the township: the board of her region, not the admin routes.
    const board = await callWith(first.body.token, 'GET', '/regions/330106009000/board?month=2026-03')
    expect(board.status).toBe(200)
    expect((await callWith(first.body.token, 'GET', '/admin/warnings')).status).toBe(403)

    const trail = await rt.call('GET', '/audit/officer/sun', { as: admin })
    const links = trail.body.entries.filter((e: { action: string }) => e.action.startsWith('officer.sign-in'))
    expect(links).toEqual([
      expect.objectContaining({
        action: 'officer.sign-in-linked',
        actor: countyAdmin.sub,
        before: { signIn: null },
        after: { signIn: first.body.signIn },
      }),
    ])
  })

  it("links another provider's account by its subject; the old sign-in no longer acts for the person", async () => {
    const old = (
      await rt.call('POST', '/admin/officers/sun/sign-in', { as: admin, body: { email: 'sun@x.cn' } })
    ).body.token
    const relinked = await rt.call('POST', '/admin/officers/sun/sign-in', {
      as: admin,
      body: { subject: 'f3b0c442-98fc-4c14-9afb-f4c8996fb924' },
    })
    expect(relinked.body).toMatchObject({ link: 'replaced', account: 'given' })
    rt.clock.advance(61_000)
    const refused = await callWith(old, 'GET', '/regions/330106009000/board?month=2026-03')
    expect(refused.status).toBe(403)
    expect(refused.body.message).toMatch(/no one in the directory is linked to this sign-in/)
    expect(
      (await callWith(relinked.body.token, 'GET', '/regions/330106009000/board?month=2026-03')).status,
    ).toBe(200)
  })

  it('answers 404 for a person outside the administrator’s scope, 403 to another role, 400 naming the field', async () => {
    const elsewhere = await rt.call('POST', '/admin/officers/sun/sign-in', {
      as: otherCountyAdmin,
      body: { email: 'sun@xihu.gov.cn' },
    })
    expect(elsewhere.status).toBe(404)
    expect(elsewhere.body).toEqual({ error: 'NotFoundError', message: 'officer sun not found' })
    expect(
      (await rt.call('POST', '/admin/officers/nobody/sign-in', { as: admin, body: { email: 'a@b.cn' } }))
        .body,
    ).toEqual({ error: 'NotFoundError', message: 'officer nobody not found' })
    expect(
      (await rt.call('POST', '/admin/officers/sun/sign-in', { as: zhao, body: { email: 'a@b.cn' } })).status,
    ).toBe(403)
    const neither = await rt.call('POST', '/admin/officers/sun/sign-in', { as: admin, body: {} })
    expect(neither.status).toBe(400)
    expect(neither.body.problems).toEqual([
      {
        field: 'email',
        reason: 'is required (or subject, to link an account the identity provider has already)',
      },
    ])
  })

  it('on AWS links the Cognito account and answers no token; with another provider it asks for the subject', async () => {
    await rt.call('POST', '/admin/officers', {
      as: admin,
      body: { officerId: 'feng', name: '冯', phone: '13500135002', unitId: 'township' },
    })
    const poolIssuer = 'https://cognito-idp.ap-east-1.amazonaws.com/ap-east-1_AbC123'
    const sub = '0d4c1f7e-2a3b-4c5d-8e9f-a0b1c2d3e4f5'
    const asked: unknown[] = []
    const onAws = {
      ...rt.deps,
      config: { ...rt.deps.config, AFTERCARE_MODE: 'aws' as const, USER_POOL_ID: 'ap-east-1_AbC123' },
      signIns: {
        createSignIn: async (person: unknown) => {
          asked.push(person)
          return { issuer: poolIssuer, subject: sub, existed: false }
        },
      },
    }
    const actor = { id: 'test-admin', role: 'admin' as const, regionCode: '330000' }
    const linked = await createSignIn(onAws, actor, 'feng', { email: 'feng@xihu.gov.cn' })
    expect(linked).toEqual({
      officerId: 'feng',
      signIn: { issuer: poolIssuer, subject: sub },
      link: 'linked',
      account: 'created',
    })
    expect(asked).toEqual([{ username: 'feng', email: 'feng@xihu.gov.cn', name: '冯' }])

    const otherProvider = { ...onAws, config: { ...onAws.config, USER_POOL_ID: undefined } }
    await expect(createSignIn(otherProvider, actor, 'feng', { email: 'feng@xihu.gov.cn' })).rejects.toThrow(
      'email: the identity provider is not Cognito (USER_POOL_ID is not set)',
    )
  })

  it('refuses a sign-in that is linked to someone else already', async () => {
    const taken = await rt.call('POST', '/admin/officers/sun/sign-in', {
      as: admin,
      body: { subject: localSubject(LOCAL_ISSUER, 'wang') },
    })
    expect(taken.status).toBe(409)
    expect(taken.body.message).toBe('this sign-in is linked to another person of the directory already')
  })
})

describe('npm run person', () => {
  it("makes an installation's first administrator: unit, record and sign-in, and prints a token that works", async () => {
    const command = parsePersonCommand([
      '--id',
      'admin-hz',
      '--name',
      '张敏',
      '--role',
      'admin',
      '--unit',
      'hz-bureau',
      '--unit-name',
      '杭州市信访局',
      '--region',
      '330100',
      '--phone',
      '13800000001',
    ])
    const { record, unit, signIn, token } = await runPersonCommand(rt.deps, command, 'ops')
    expect(record).toMatchObject({ officerId: 'admin-hz', duty: 'admin', regionCode: '330100' })
    expect(unit).toMatchObject({ unitId: 'hz-bureau', level: 'city', regionCode: '330100' })
    expect(signIn?.subject).toBe(localSubject(LOCAL_ISSUER, 'admin-hz'))
    const warnings = await callWith(token, 'GET', '/admin/warnings')
    expect(warnings.status).toBe(200)
    const trail = await rt.call('GET', '/audit/officer/admin-hz', { as: admin })
    // Both at the same instant of the manual clock: the order is not asserted.
    expect(
      trail.body.entries.map((e: { actor: string; action: string }) => [e.actor, e.action]).sort(),
    ).toEqual([
      ['operator:ops', 'officer.created'],
      ['operator:ops', 'officer.sign-in-linked'],
    ])
  })

  it('names the flag at fault', () => {
    expect(() => parsePersonCommand(['--id', 'x', '--name', 'X', '--unit', 'u', '--phone', '138'])).toThrow(
      UsageError,
    )
    expect(() => parsePersonCommand(['--id', 'x', '--name', 'X', '--unit', 'u', '--phone', '138'])).toThrow(
      '--role is required',
    )
    expect(() =>
      parsePersonCommand(['--id', 'x', '--name', 'X', '--role', 'mayor', '--unit', 'u', '--phone', '1']),
    ).toThrow(/--role Invalid option/)
  })
})

describe('tokens', () => {
  const apiGateway401 = { message: 'Unauthorized' }

  it('answers a missing, expired, foreign or badly signed token with API Gateway’s own 401', async () => {
    const missing = await callWith(undefined, 'GET', '/matters/c-uuid')
    expect([missing.status, missing.body]).toEqual([401, apiGateway401])
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer scope="" error="invalid_token"/)
    const expired = await signLocalIdToken(SECRET, {
      username: 'wang',
      now: new Date(Date.now() - 2 * 3600_000),
    })
    const r = await callWith(expired, 'GET', '/matters/c-uuid')
    expect([r.status, r.body]).toEqual([401, apiGateway401])
    expect(r.headers.get('www-authenticate')).toContain('error_description="the token has expired"')
    const forged = await signLocalIdToken(randomBytes(32).toString('hex'), { username: 'wang' })
    expect((await callWith(forged, 'GET', '/matters/c-uuid')).body).toEqual(apiGateway401)
    const otherAudience = await new SignJWT({ token_use: 'id' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(localSubject(LOCAL_ISSUER, 'wang'))
      .setIssuer(LOCAL_ISSUER)
      .setAudience('another-client')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(SECRET))
    const foreign = await callWith(otherAudience, 'GET', '/matters/c-uuid')
    expect([foreign.status, foreign.body]).toEqual([401, apiGateway401])
    expect(foreign.headers.get('www-authenticate')).toContain('the token does not have a valid audience')
    const noExpiry = await new SignJWT({ token_use: 'id' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(localSubject(LOCAL_ISSUER, 'wang'))
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_CLIENT_ID)
      .setIssuedAt()
      .sign(new TextEncoder().encode(SECRET))
    expect((await callWith(noExpiry, 'GET', '/matters/c-uuid')).body).toEqual(apiGateway401)
  })

  it('refuses in the function, with a JSON 401 that says why, what the authorizer lets through', async () => {
    const longLived = await signLocalIdToken(SECRET, { username: 'wang', lifetimeSeconds: 12 * 3600 })
    const r = await callWith(longLived, 'GET', '/officers/wang/worklist')
    expect(r.status).toBe(401)
    expect(r.body).toEqual({
      error: 'UnauthorizedError',
      message: 'token lifetime 43200 s exceeds the maximum of 3600 s (TOKEN_MAX_LIFETIME_SECONDS)',
    })
    // Cognito's access token: `token_use: access`, `client_id` instead of `aud` (API Gateway accepts either).
    const access = await new SignJWT({ token_use: 'access', client_id: LOCAL_CLIENT_ID })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(localSubject(LOCAL_ISSUER, 'wang'))
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_CLIENT_ID)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(SECRET))
    const refused = await callWith(access, 'GET', '/officers/wang/worklist')
    expect([refused.status, refused.body.message]).toEqual([
      401,
      'token_use access: only ID tokens are accepted',
    ])
  })
})

describe('units', () => {
  beforeAll(async () => {
    const binjiang = await rt.call('POST', '/admin/units', {
      as: admin,
      body: { unitId: 'binjiang', name: '滨江区信访局', regionCode: '330108', level: 'county' },
    })
    expect(binjiang.status).toBe(201)
  })

  it('hang only under a unit whose region covers theirs', async () => {
    const r = await rt.call('POST', '/admin/units', {
      as: admin,
      body: {
        unitId: 'xixi-2',
        name: '西溪二社区',
        regionCode: '330106009002',
        level: 'village',
        parentUnitId: 'binjiang',
      },
    })
    expect(r.status).toBe(400)
    expect(r.body.problems).toEqual([
      {
        field: 'parentUnitId',
        reason:
          'unit binjiang (region 330108) does not cover region 330106009002: a unit hangs only under a unit whose ' +
          'region covers its own',
      },
    ])
  })

  it("are attached by an administrator only under units of the administrator's own scope", async () => {
    const r = await rt.call('POST', '/admin/units', {
      as: countyAdmin,
      body: {
        unitId: 'xihu-2',
        name: '西湖区第二信访办',
        regionCode: '330106',
        level: 'county',
        parentUnitId: 'binjiang',
      },
    })
    expect(r.status).toBe(400)
    expect(r.body.problems).toEqual([{ field: 'parentUnitId', reason: 'unit binjiang does not exist' }])
    const inScope = await rt.call('POST', '/admin/units', {
      as: countyAdmin,
      body: {
        unitId: 'xihu-2',
        name: '西湖区第二信访办',
        regionCode: '330106001000',
        level: 'township',
        parentUnitId: 'county',
      },
    })
    expect(inScope.status).toBe(201)
  })
})
