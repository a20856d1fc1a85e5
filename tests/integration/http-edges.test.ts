// What a client meets at the HTTP edge: tokens, roles, regions, and bad requests answered as JSON naming the problem,
// bodies and headers too large among them.
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { functionModules } from '../../local/functions.ts'
import { MAX_BODY_BYTES } from '../../local/http-server.ts'
import { lambdaContext } from '../../local/lambda-context.ts'
import { localSubject } from '../../shared/directory/sign-in/local-sign-in.ts'
import { LOCAL_CLIENT_ID, LOCAL_ISSUER } from '../../shared/directory/sign-in/local-tokens.ts'
import { httpFallback } from '../../shared/platform/resources.ts'
import { admin, seedRegion, startTestRuntime, type TestRuntime } from '../fixtures/runtime.ts'

const supervisor = { sub: 'zhao', role: 'supervisor', region: '330106' } as const
const otherCounty = { sub: 'qian', role: 'supervisor', region: '330105' } as const
const officer = { sub: 'wang', role: 'officer', region: '330106009000' } as const

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  await seedRegion(rt)
  const created = await rt.call('POST', '/matters', {
    as: supervisor,
    body: { matterId: 'c-1', petitionerId: 'li', category: '劳动保障', summary: '欠薪' },
  })
  expect(created.status).toBe(201)
})
afterAll(async () => rt?.stop())

describe('authentication and scope', () => {
  it('answers 401 without a token and with a token signed by someone else', async () => {
    expect((await rt.call('GET', '/matters/c-1')).status).toBe(401)
    const forged = await rt.call('GET', '/matters/c-1', {
      headers: {
        authorization:
          'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiY3VzdG9tOnJvbGUiOiJhZG1pbiIsImN1c3RvbTpyZWdpb24iOiIzMzAwMDAifQ.c2lnbmF0dXJl',
      },
    })
    expect(forged.status).toBe(401)
  })

  it('answers 403 to a role the route does not admit', async () => {
    const r = await rt.call('POST', '/admin/units', {
      as: officer,
      body: { unitId: 'x', name: 'x', regionCode: '330106', level: 'village' },
    })
    expect(r.status).toBe(403)
    expect(r.body.message).toMatch(/role officer may not/)
  })

  it('answers a supervisor of another county as for a matter that does not exist, on reads and on writes', async () => {
    expect((await rt.call('GET', '/matters/c-1', { as: otherCounty })).status).toBe(404)
    const write = await rt.call('POST', '/matters/c-1/events', {
      as: otherCounty,
      body: { type: 'resolved' },
    })
    expect(write.status).toBe(404)
    expect(write.body).toEqual({ error: 'NotFoundError', message: 'case c-1 not found' })
  })

  it('lets the province administrator read a matter of one of its counties', async () => {
    const r = await rt.call('GET', '/matters/c-1', { as: admin })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ matterId: 'c-1', status: 'handling', regionCode: '330106009001' })
  })
})

describe('bad requests', () => {
  it('names the field and the reason when the body fails its schema', async () => {
    const r = await rt.call('POST', '/matters/c-1/events', {
      as: supervisor,
      body: { type: 'closed', note: 7 },
    })
    expect(r.status).toBe(400)
    expect(r.body.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'type' }),
        expect.objectContaining({ field: 'note' }),
      ]),
    )
  })

  it('refuses a field a route does not take, naming it, on every kind of body', async () => {
    for (const [path, body, field] of [
      ['/matters/c-1/events', { type: 'resolved', evntId: 'ev' }, 'evntId'],
      [
        '/matters',
        { matterId: 'c-2', petitionerId: 'li', category: '劳动保障', summary: '欠薪', status: 'x' },
        'status',
      ],
      ['/visits/c-1.ev-v1/reschedule', { dueDate: '2026-03-20', reason: '外出', by: 'zhao' }, 'by'],
    ] as const) {
      const r = await rt.call('POST', path, { as: supervisor, body })
      expect(r.status, path).toBe(400)
      expect(r.body.problems, path).toEqual([
        { field, reason: expect.stringMatching(new RegExp(`^unknown field "${field}": the fields are `)) },
      ])
    }
  })

  it('answers malformed JSON with a JSON 400', async () => {
    const r = await rt.call('POST', '/matters/c-1/events', {
      as: supervisor,
      rawBody: '{"type": "resolved",',
      headers: { 'content-type': 'application/json' },
    })
    expect(r.status).toBe(400)
    expect(r.headers.get('content-type')).toMatch(/application\/json/)
    expect(r.body.problems[0]).toMatchObject({
      field: '(body)',
      reason: expect.stringMatching(/not valid JSON/),
    })
  })

  it('answers a body without content type with a JSON 415 naming content-type', async () => {
    const r = await rt.call('POST', '/matters/c-1/events', { as: supervisor, rawBody: '{"type":"resolved"}' })
    expect(r.status).toBe(415)
    expect(r.body.problems[0]).toMatchObject({ field: 'content-type' })
  })

  it('names the phone number that is not one', async () => {
    const r = await rt.call('POST', '/admin/officers', {
      as: admin,
      body: { officerId: 'zhou', name: '周', phone: '12345', unitId: 'township' },
    })
    expect(r.status).toBe(400)
    expect(r.body.problems).toEqual([{ field: 'phone', reason: expect.stringMatching(/valid phone number/) }])
  })

  // Both come from the fallback function's router (shared/platform/http/http-api.ts), as on AWS through `$default`.
  it('answers an unknown route with 404 and a wrong method with 405, both as JSON', async () => {
    const unknown = await rt.call('GET', '/nowhere', { as: admin })
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('content-type')).toMatch(/application\/json/)
    expect(unknown.body).toEqual({ error: 'NotFoundError', message: 'no route GET /nowhere' })
    const wrong = await rt.call('DELETE', '/matters/c-1', { as: admin })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET')
    expect(wrong.body).toEqual({
      error: 'MethodNotAllowedError',
      message: 'DELETE is not allowed on /matters/c-1; allowed: GET',
      details: { allow: 'GET' },
    })
    // A path of another function than the fallback one, with two methods.
    const templates = await rt.call('DELETE', '/admin/templates', { as: admin })
    expect(templates.status).toBe(405)
    expect(templates.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'POST'])
  })

  it('answers 404 and 405 without a token, as the unauthenticated $default route does on AWS', async () => {
    expect((await rt.call('GET', '/nowhere')).status).toBe(404)
    const wrong = await rt.call('PUT', '/matters/c-1')
    expect(wrong.status).toBe(405)
    expect(wrong.body.message).toMatch(/allowed: GET/)
    // A declared route still needs one.
    expect((await rt.call('GET', '/matters/c-1')).status).toBe(401)
  })

  it('answers a path with a trailing slash 404, as API Gateway does: it matches no route and goes to $default', async () => {
    for (const as of [admin, undefined]) {
      const slash = await rt.call('GET', '/matters/c-1/', { as })
      expect(slash.status, as?.sub ?? 'no token').toBe(404)
      expect(slash.body).toEqual({ error: 'NotFoundError', message: 'no route GET /matters/c-1/' })
    }
    // Not a known path either: no 405 naming the methods of /matters/c-1.
    expect((await rt.call('DELETE', '/matters/c-1/', { as: admin })).status).toBe(404)
    expect((await rt.call('GET', '/matters/c-1', { as: admin })).status).toBe(200)
  })

  it('never runs a route for a request that came through $default, even with claims and a matching path', async () => {
    const handler = functionModules[httpFallback.function].createHandler(rt.deps)
    const now = Math.floor(Date.now() / 1000)
    const event = (method: string, rawPath: string) =>
      ({
        version: '2.0',
        routeKey: '$default',
        rawPath,
        rawQueryString: '',
        headers: {},
        isBase64Encoded: false,
        requestContext: {
          http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
          routeKey: '$default',
          stage: '$default',
          authorizer: {
            jwt: {
              // The claims of the administrator's own valid ID token, as API Gateway renders them.
              claims: {
                iss: LOCAL_ISSUER,
                sub: localSubject(LOCAL_ISSUER, admin.sub),
                aud: LOCAL_CLIENT_ID,
                token_use: 'id',
                iat: String(now),
                exp: String(now + 600),
              },
              scopes: [],
            },
          },
        },
      }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer
    const call = async (method: string, path: string) =>
      (await handler(
        event(method, path),
        lambdaContext(httpFallback.function),
      )) as APIGatewayProxyStructuredResultV2
    // GET /matters/c-1 is a route of this very function: through $default it is answered 404, never served.
    for (const path of ['/matters/c-1', '/matters/c-1/']) {
      const served = await call('GET', path)
      expect(served.statusCode, path).toBe(404)
      expect(JSON.parse(served.body ?? '{}')).toEqual({
        error: 'NotFoundError',
        message: `no route GET ${path}`,
      })
    }
    const wrong = await call('DELETE', '/matters/c-1')
    expect(wrong.statusCode).toBe(405)
    expect(wrong.headers?.allow).toBe('GET')
  })

  it('refuses to resolve a matter twice with different event ids: 409 naming its status', async () => {
    const first = await rt.call('POST', '/matters/c-1/events', { as: supervisor, body: { type: 'mediated' } })
    expect(first.status).toBe(201)
    const second = await rt.call('POST', '/matters/c-1/events', {
      as: supervisor,
      body: { type: 'resolved' },
    })
    expect(second.status).toBe(409)
    expect(second.body.message).toMatch(/is mediated/)
  })
})

describe('sizes', () => {
  const post = (init: Omit<RequestInit, 'headers'> & { duplex?: 'half' }) =>
    rt.token(supervisor).then((token) =>
      fetch(`${rt.url}/matters`, {
        method: 'POST',
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      }),
    )

  it('refuses a body over 1 MiB with a JSON 413, said length or streamed', async () => {
    const big = JSON.stringify({ matterId: 'c-big', summary: 'x'.repeat(MAX_BODY_BYTES) })
    const declared = await post({ body: big })
    expect(declared.status).toBe(413)
    expect(declared.headers.get('content-type')).toMatch(/application\/json/)
    expect(await declared.json()).toEqual({
      error: 'PayloadTooLargeError',
      message: `the request body is larger than ${MAX_BODY_BYTES} bytes`,
    })
    // Chunked, without a length: refused once it passes the limit.
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 2 * MAX_BODY_BYTES) return controller.close()
        sent += chunk.length
        controller.enqueue(chunk)
      },
    })
    const streamed = await post({ body: stream, duplex: 'half' })
    expect(streamed.status).toBe(413)
    expect(((await streamed.json()) as { error: string }).error).toBe('PayloadTooLargeError')
    // A body under the limit still reaches the function, which names what is wrong with it.
    const under = await post({ body: JSON.stringify({ matterId: 'c-under', summary: 'x'.repeat(10_000) }) })
    expect(under.status).toBe(400)
  })

  it('answers headers over the limit with a JSON 431', async () => {
    const r = await fetch(`${rt.url}/matters/c-1`, { headers: { 'x-padding': 'x'.repeat(12_000) } })
    expect(r.status).toBe(431)
    expect(r.headers.get('content-type')).toMatch(/application\/json/)
    expect(await r.json()).toEqual({
      error: 'RequestHeaderFieldsTooLargeError',
      message: expect.stringMatching(/request line and headers are larger than/),
    })
    // The server still answers after it.
    expect((await rt.call('GET', '/matters/c-1', { as: supervisor })).status).toBe(200)
  })
})

describe('health', () => {
  it('answers 200 naming every component up', async () => {
    const r = await rt.call('GET', '/health')
    expect(r.status).toBe(200)
    expect(r.body.components).toMatchObject({ dynamodb: 'up', sqs: 'up', sns: 'up' })
  })
})
