// docs/openapi.json is what scripts/openapi.ts builds from the route table, and the routers agree with its contract.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import type { AppDeps } from '#shared/platform/deps.ts'
import { contractDrift, requestBodies, requestQueries, routeKey } from '#shared/platform/http/api-contract.ts'
import type { RouteImplementation } from '#shared/platform/http/http-api.ts'
import { type RouteDesign, routes } from '#shared/platform/http/routes.ts'
import { functions } from '#shared/platform/resources.ts'
import { buildOpenApi, openApiPath } from '../../scripts/openapi.ts'

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
    expect(required('POST /cases/{caseId}/events')).toEqual(['type'])
    expect(required('POST /cases')).toEqual(['caseId', 'petitionerId', 'category', 'summary'])
  })

  it('names only routes of the table in the contract', () => {
    const keys = new Set<string>(table.map(routeKey))
    expect(Object.keys(requestBodies).filter((k) => !keys.has(k))).toEqual([])
    expect(Object.keys(requestQueries).filter((k) => !keys.has(k))).toEqual([])
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
  // Every HTTP function's implementations must use the very schemas of shared/platform/http/api-contract.ts.
  const logger = { error: () => {}, info: () => {}, warn: () => {} }
  const contractImplementations = () =>
    Object.fromEntries(
      table
        .filter((r) => r.function === 'cases-api')
        .map((r): [string, RouteImplementation] => [
          routeKey(r),
          { body: requestBodies[routeKey(r)], run: async () => ({ statusCode: 200 }) },
        ]),
    )

  it('finds a body or query schema that is not the one of the contract, naming the route', () => {
    expect(contractDrift('cases-api', contractImplementations())).toEqual([])
    const lookalike = contractImplementations()
    lookalike['POST /cases'] = {
      ...lookalike['POST /cases'],
      body: z.object({ caseId: z.string() }),
    } as RouteImplementation
    expect(contractDrift('cases-api', lookalike)).toEqual(['POST /cases'])
    const without = contractImplementations()
    without['POST /cases/{caseId}/events'] = {
      ...without['POST /cases/{caseId}/events'],
      body: undefined,
    } as RouteImplementation
    expect(contractDrift('cases-api', without)).toEqual(['POST /cases/{caseId}/events'])
    const queried = contractImplementations()
    queried['GET /cases/{caseId}'] = {
      ...queried['GET /cases/{caseId}'],
      query: z.object({}),
    } as RouteImplementation
    expect(contractDrift('cases-api', queried)).toEqual(['GET /cases/{caseId}'])
  })

  const httpFunctions = [...new Set(table.map((r) => r.function))]
  it.each(httpFunctions)(
    '%s implements exactly the schemas of shared/platform/http/api-contract.ts',
    async (fn) => {
      const { createHandler } = (await import(
        /* @vite-ignore */ new URL(`../../${functions[fn].entry}`, import.meta.url).href
      )) as {
        createHandler: (deps: AppDeps) => { implementations: Record<string, RouteImplementation> }
      }
      const { implementations } = createHandler({ logger } as unknown as AppDeps)
      expect(contractDrift(fn, implementations)).toEqual([])
    },
  )
})
