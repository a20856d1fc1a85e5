// docs/openapi.json and the route index are what scripts/openapi.ts builds from the route declarations, and each
// router takes exactly the declarations of its function.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import type { AppDeps } from '#shared/platform/deps.ts'
import { type RouteDesign, routes } from '#shared/platform/http/all-routes.ts'
import { httpApi } from '#shared/platform/http/http-api.ts'
import { defineRoute, routeKey } from '#shared/platform/http/route.ts'
import { functions } from '#shared/platform/resources.ts'
import { buildOpenApi, openApiPath, renderRouteIndex, routeIndexPath } from '../../scripts/openapi.ts'

interface Operation {
  operationId: string
  security: Record<string, string[]>[]
  parameters?: { name: string; in: string; required: boolean }[]
  requestBody?: { required: boolean; content: { 'application/json': { schema: { required?: string[] } } } }
  responses: Record<string, unknown>
}

const document = buildOpenApi()
const operations = Object.entries(
  document.paths as unknown as Record<string, Record<string, Operation>>,
).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ method, path, op })))
const operationOf = (route: RouteDesign) => {
  const found = operations.find((o) => o.method === route.method.toLowerCase() && o.path === route.path)
  if (!found) throw new Error(`no operation for ${routeKey(route)}`)
  return found.op
}
const table = routes as readonly RouteDesign[]
type ZodObjectLike = { shape: Record<string, z.ZodType> }
const requestBodies: Record<string, z.ZodType | undefined> = Object.fromEntries(
  table.map((r) => [routeKey(r), r.body]),
)
const requestQueries: Record<string, z.ZodType | undefined> = Object.fromEntries(
  table.map((r) => [routeKey(r), r.query]),
)

describe('docs/openapi.json', () => {
  it('is what `npm run openapi` builds now', () => {
    let committed: unknown
    try {
      committed = JSON.parse(readFileSync(openApiPath, 'utf8'))
    } catch (error) {
      throw new Error(`docs/openapi.json is missing or not JSON: run \`npm run openapi\` (${error})`)
    }
    expect(committed, 'docs/openapi.json is stale: run `npm run openapi`').toEqual(
      JSON.parse(JSON.stringify(document)),
    )
  })
})

describe('the route index', () => {
  it('is what `npm run openapi` writes now: every route, once, with its function', () => {
    expect(
      readFileSync(routeIndexPath, 'utf8'),
      'shared/platform/http/route-index.json is stale: run `npm run openapi`',
    ).toBe(renderRouteIndex())
    const keys = table.map(routeKey)
    expect(new Set(keys).size).toBe(keys.length)
  })
})

describe('the OpenAPI document', () => {
  it("documents the JWT authorizer's own 401 beside the functions' JSON error, on every route behind it", () => {
    const schemas = (document.components as { schemas: Record<string, unknown> }).schemas
    expect(schemas.Unauthorized).toMatchObject({
      properties: { message: { const: 'Unauthorized' } },
      required: ['message'],
      additionalProperties: false,
    })
    for (const route of table) {
      const unauthorized = JSON.stringify(operationOf(route).responses['401'])
      if ((route.auth ?? 'jwt') === 'jwt') {
        expect(unauthorized, routeKey(route)).toContain('#/components/schemas/Unauthorized')
        expect(unauthorized, routeKey(route)).toContain('www-authenticate')
      } else expect(unauthorized, routeKey(route)).not.toContain('Unauthorized"')
    }
  })

  it('has one operation per route of the table, and no other', () => {
    const documented = operations.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort()
    const tabled = table.map(routeKey).sort()
    expect(new Set(tabled).size).toBe(tabled.length)
    expect(documented).toEqual(tabled)
  })

  it('gives every operation a unique operationId, the path parameters and the success and error codes', () => {
    const ids = operations.map((o) => o.op.operationId)
    expect(new Set(ids).size).toBe(ids.length)
    for (const route of table) {
      const op = operationOf(route)
      const params = [...route.path.matchAll(/\{([^/}]+)\}/g)].map(([, name]) => name)
      const inPath = op.parameters?.filter((p) => p.in === 'path') ?? []
      expect(
        inPath.map((p) => p.name),
        routeKey(route),
      ).toEqual(params)
      expect(inPath.every((p) => p.required)).toBe(true)
      const query = requestQueries[routeKey(route)]
      const inQuery = op.parameters?.filter((p) => p.in === 'query').map((p) => p.name) ?? []
      expect(inQuery, routeKey(route)).toEqual(
        query ? Object.keys((query as unknown as ZodObjectLike).shape) : [],
      )
      const codes = Object.keys(op.responses)
      expect(
        codes.some((c) => c.startsWith('2')),
        routeKey(route),
      ).toBe(true)
      expect(codes, routeKey(route)).toContain('401')
      if ((route.auth ?? 'jwt') === 'jwt') expect(codes, routeKey(route)).toContain('403')
      if (params.length > 0) expect(codes, routeKey(route)).toContain('404')
      if (requestBodies[routeKey(route)])
        expect(codes, routeKey(route)).toEqual(expect.arrayContaining(['400', '415']))
      if (query) expect(codes, routeKey(route)).toContain('400')
    }
  })

  it('documents the request body of exactly the routes that take one, with its required properties', () => {
    for (const route of table) {
      const key = routeKey(route)
      const schema = requestBodies[key]
      const body = operationOf(route).requestBody
      expect(Boolean(body), key).toBe(Boolean(schema))
      if (!schema || !body) continue
      expect(body.required).toBe(true)
      const shape = (schema as unknown as Partial<ZodObjectLike>).shape
      if (!shape) continue
      // Independently of toJSONSchema: a property is required when its schema refuses `undefined`.
      const required = Object.keys(shape).filter((name) => !shape[name]?.safeParse(undefined).success)
      expect([...(body.content['application/json'].schema.required ?? [])].sort(), key).toEqual(
        required.sort(),
      )
    }
    const required = (key: string) =>
      operations.find((o) => `${o.method.toUpperCase()} ${o.path}` === key)?.op.requestBody?.content[
        'application/json'
      ].schema.required
    expect(required('POST /matters/{matterId}/events')).toEqual(['type'])
    expect(required('POST /matters')).toEqual(['matterId', 'petitionerId', 'category', 'summary'])
  })

  it('documents the success body of every route by its response schema', () => {
    for (const route of table) {
      const { success = [200], mediaType = 'application/json' } = route
      const op = operationOf(route)
      for (const status of success) {
        const answer = op.responses[String(status)] as { content: Record<string, { schema: object }> }
        expect(Object.keys(answer.content), routeKey(route)).toEqual([mediaType])
        expect(answer.content[mediaType]?.schema, routeKey(route)).not.toEqual({})
      }
    }
    const visit = operations.find((o) => o.method === 'get' && o.path === '/visits/{visitId}')?.op.responses[
      '200'
    ] as { content: { 'application/json': { schema: { required?: string[] } } } }
    expect(visit.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['visitId', 'matterId', 'status', 'dueDate']),
    )
  })

  it('gives the monthly report as CSV', () => {
    const report = table.find((r) => r.path === '/regions/{regionCode}/reports/monthly') as RouteDesign
    const ok = operationOf(report).responses['200'] as { content: object }
    expect(Object.keys(ok.content)).toEqual(['text/csv'])
  })

  it('secures the inbound SMS route with the shared secret and every other route with the bearer token', () => {
    const schemes = document.components.securitySchemes
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    expect(schemes.inboundSecret).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'x-aftercare-inbound-secret',
    })
    for (const route of table) {
      const expected = route.auth === 'inbound-secret' ? { inboundSecret: [] } : { bearer: [] }
      expect(operationOf(route).security, routeKey(route)).toEqual([expected])
    }
    expect(operationOf(table.find((r) => r.path === '/sms/inbound') as RouteDesign).security).toEqual([
      { inboundSecret: [] },
    ])
  })
})

describe('the routers', () => {
  const logger = { error: () => {}, info: () => {}, warn: () => {} }
  const deps = { logger } as unknown as AppDeps
  const declared = (fn: string) => table.filter((r) => r.function === fn)

  it('refuses to start without a route of its function, with one of another, or one twice, naming it', () => {
    const cases = declared('matters-api')
    expect(() => httpApi('matters-api', cases, deps)).not.toThrow()
    expect(() => httpApi('matters-api', cases.slice(1), deps)).toThrow(
      /missing POST \/matters \(matters-api\)/,
    )
    expect(() => httpApi('matters-api', [...cases, ...declared('visits-api').slice(0, 1)], deps)).toThrow(
      /not the index's GET \/visits\/\{visitId\} \(visits-api\)/,
    )
    expect(() => httpApi('matters-api', [...cases, cases[0] as RouteDesign], deps)).toThrow(
      /declare each once/,
    )
    const undeclared = defineRoute({
      method: 'GET',
      path: '/matters/{matterId}/notes',
      function: 'matters-api',
      roles: ['admin'],
      summary: 'not in the index',
      response: z.object({}),
      run: async () => ({}),
    })
    expect(() => httpApi('matters-api', [...cases, undeclared], deps)).toThrow(
      /not the index's GET \/matters\/\{matterId\}\/notes/,
    )
  })

  const httpFunctions = [...new Set(table.map((r) => r.function))]
  it.each(httpFunctions)(
    '%s starts with the declarations its entry gives it',
    async (fn) => {
      const { createHandler } = (await import(
        /* @vite-ignore */ new URL(`../../${functions[fn].entry}`, import.meta.url).href
      )) as { createHandler: (deps: AppDeps) => unknown }
      expect(() => createHandler(deps)).not.toThrow()
    },
    30_000,
  )
})
