// `npm run openapi`: the OpenAPI 3.1 document of the HTTP API, from the route declarations (their request, query and
// response schemas), into docs/openapi.json; and the route index the routers answer 404 and 405 from
// (shared/platform/http/route-index.json). tests/unit/openapi.test.ts fails when a committed file is not what this
// builds.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as z from 'zod'
import { INBOUND_SECRET_HEADER } from '#shared/notifications/actions/receive-inbound-sms.ts'
import { type RouteDesign, routeIndexOf, routes } from '#shared/platform/http/all-routes.ts'
import { statusCodesOf } from '#shared/platform/http/route.ts'
import packageJson from '../package.json' with { type: 'json' }

export const openApiPath = fileURLToPath(new URL('../docs/openapi.json', import.meta.url))
export const routeIndexPath = fileURLToPath(
  new URL('../shared/platform/http/route-index.json', import.meta.url),
)
const biome = fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url))

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

const statusDescriptions: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No content',
  400: 'The body or query fails its schema (or the body is not JSON); `problems` names each field and the reason',
  401:
    "No valid bearer token. API Gateway's JWT authorizer answers a missing, expired, badly signed or foreign token " +
    'itself: `{"message":"Unauthorized"}` (schema Unauthorized) with a `www-authenticate` header naming the reason; ' +
    'a token it lets through that Aftercare refuses (not an ID token, a lifetime over TOKEN_MAX_LIFETIME_SECONDS, ' +
    'another issuer) gets the JSON error, UnauthorizedError, saying why',
  403: "The caller's role may not use this route, or the subject is outside the caller's region",
  404: 'No such resource',
  409: 'The change conflicts with the current state (an id taken, a state that forbids it, a concurrent write)',
  415: 'The body is not sent as application/json',
}

const inboundUnauthorized = `The header ${INBOUND_SECRET_HEADER} is missing or wrong`

/** The object a path parameter names, for the 404 of a route that addresses one by id. */
const objectNames: Record<string, string> = {
  visitId: 'visit',
  matterId: 'matter',
  officerId: 'officer',
  notificationId: 'notification',
  subjectId: 'audit trail',
}

/** What an id route refuses (403) on an object the caller may read, besides a role it does not admit. */
const assignedOnly = 'the caller is an officer and the visit is assigned to another'
const refusedInScope: Record<string, string> = {
  '/visits/{visitId}/outcome': assignedOnly,
  '/visits/{visitId}/reschedule': assignedOnly,
  '/visits/{visitId}/appointment': assignedOnly,
  '/officers/{officerId}/worklist': "the caller is an officer asking for another officer's worklist",
}

/**
 * What a route addresses, which decides how it answers a caller outside its region scope (shared/domain/access/
 * object-scope.ts): a region (`{regionCode}`) gets 403, an object by id 404 exactly as a missing object.
 */
const addressing = (path: string): { by: 'region' } | { by: 'object'; name: string } | { by: 'none' } => {
  const params = [...path.matchAll(/\{([^/}]+)\}/g)].map(([, name]) => name ?? '')
  if (params.includes('regionCode')) return { by: 'region' }
  if (params.length === 0) return { by: 'none' }
  const named = params.filter((p) => objectNames[p]).at(-1)
  return { by: 'object', name: (named && objectNames[named]) || 'resource' }
}

/** The 403 and 404 descriptions of a route, by what it addresses. */
const scopeDescriptions = (path: string): Partial<Record<number, string>> => {
  const target = addressing(path)
  if (target.by === 'region') {
    return {
      403: "The caller's role may not use this route, or the region `{regionCode}` is outside the caller's region scope",
    }
  }
  if (target.by === 'object') {
    const refused = refusedInScope[path]
    return {
      403:
        `The caller's role may not use this route${refused ? `, or ${refused}` : ''}. ` +
        `Outside the caller's region scope, the ${target.name} is answered 404, not 403`,
      404:
        `No such ${target.name}, or one outside the caller's region scope: both are answered alike (NotFoundError, ` +
        'the same message but for the id), so that an answer never tells that it exists elsewhere, nor where',
    }
  }
  return {}
}

/** `POST /matters/{matterId}/events` → `postMattersByMatterIdEvents`. */
export const operationIdOf = (route: { method: string; path: string }) => {
  const words = route.path
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => {
      const param = /^\{(.+)\}$/.exec(segment)
      return param ? ['by', ...(param[1] ?? '').split(/[^A-Za-z0-9]+/)] : segment.split(/[^A-Za-z0-9]+/)
    })
    .filter(Boolean)
  return [route.method.toLowerCase(), ...words.map((w) => w[0]?.toUpperCase() + w.slice(1))].join('')
}

const pathParameters = (path: string): Json[] =>
  [...path.matchAll(/\{([^/}]+)\}/g)].map(([, name]) => ({
    name: name ?? '',
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }))

/**
 * The JSON Schema of a request body or query (what the caller sends: `input`), or of a response (what the route
 * answers: `output`); `$schema` is left out, OpenAPI 3.1's dialect is 2020-12 already.
 */
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input') => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  })
  return rest as { properties?: Record<string, Json>; required?: string[] } & Record<string, Json>
}

/** One query parameter per property of the query schema (an object of strings, as API Gateway passes them). */
const queryParameters = (schema: z.ZodType | undefined): Json[] => {
  if (!schema) return []
  const { properties = {}, required = [] } = jsonSchema(schema)
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    schema: property,
  }))
}

const errorResponse = (description: string): Json => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
})

/** A route behind the JWT authorizer: its 401 is the authorizer's own body, or the functions' JSON error. */
const tokenRefused = (description: string): Json => ({
  description,
  headers: {
    'www-authenticate': {
      description:
        'From the authorizer: `Bearer scope="" error="invalid_token" error_description="…"`, the reason in words',
      schema: { type: 'string' },
    },
  },
  content: {
    'application/json': {
      schema: {
        oneOf: [{ $ref: '#/components/schemas/Unauthorized' }, { $ref: '#/components/schemas/Error' }],
      },
    },
  },
})

const operation = (route: RouteDesign): Json => {
  const auth = route.auth ?? 'jwt'
  const body = route.body
  const { success, contentType, errors } = statusCodesOf(route)
  const parameters = [...pathParameters(route.path), ...queryParameters(route.query)]
  const responses: Record<string, Json> = {}
  for (const status of success) {
    responses[status] = {
      description: statusDescriptions[status] ?? String(status),
      content: { [contentType]: { schema: jsonSchema(route.response, 'output') as Json } },
    }
  }
  const scoped = scopeDescriptions(route.path)
  for (const status of errors) {
    const description =
      status === 401 && auth === 'inbound-secret'
        ? inboundUnauthorized
        : (scoped[status] ?? statusDescriptions[status])
    responses[status] =
      status === 401 && auth === 'jwt'
        ? tokenRefused(description ?? String(status))
        : errorResponse(description ?? String(status))
  }
  return {
    operationId: operationIdOf(route),
    summary: route.summary,
    tags: [route.function],
    'x-aftercare-roles': [...route.roles],
    security: [auth === 'inbound-secret' ? { inboundSecret: [] } : { bearer: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(body) as Json } },
          },
        }
      : {}),
    responses,
  }
}

const methodOrder = ['GET', 'PUT', 'POST', 'DELETE']

/** The document, with paths sorted and methods in a fixed order so that it diffs well. */
export const buildOpenApi = () => {
  const sorted = [...(routes as readonly RouteDesign[])].sort(
    (a, b) =>
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      methodOrder.indexOf(a.method) - methodOrder.indexOf(b.method),
  )
  const paths: Record<string, Record<string, Json>> = {}
  for (const route of sorted) {
    paths[route.path] ??= {}
    ;(paths[route.path] as Record<string, Json>)[route.method.toLowerCase()] = operation(route)
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Aftercare',
      version: packageJson.version,
      description:
        'Return-visit scheduling for petition offices: matters, the return visits they are owed, SMS reminders and ' +
        'notifications. Generated from the route declarations (shared/<context>/routes.ts) by `npm run openapi`. ' +
        'Region scope: an object addressed by id (a visit, a matter, a notification, an officer, an audit trail) ' +
        "outside the caller's region scope is answered 404 exactly as one that does not exist; a route addressed " +
        'by a region (`/regions/{regionCode}/…`, a region in the body) answers 403 for a region outside it; a role ' +
        'the route does not admit, 403.',
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'local (`npm start`)' }],
    tags: [...new Set(routes.map((r) => r.function))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'An ID token of the identity provider (Cognito by default; another OIDC provider if the stack is so ' +
            'configured), at most TOKEN_MAX_LIFETIME_SECONDS (1 h) between iat and exp. The caller is the person of ' +
            "the directory linked to the token's issuer and subject: their staff record's duty is their role " +
            "(officer, supervisor, committee, admin) and their unit's region their scope. A valid token no record is " +
            'linked to, or a person who has left, gets 403 saying so. Locally: `npm run token -- --id <directory id>`.',
        },
        inboundSecret: {
          type: 'apiKey',
          in: 'header',
          name: INBOUND_SECRET_HEADER,
          description: "The SMS provider's shared secret, for its inbound message callback.",
        },
      },
      schemas: {
        Unauthorized: {
          type: 'object',
          description:
            "API Gateway's own answer when its JWT authorizer refuses the token (local mode answers alike)",
          properties: { message: { type: 'string', const: 'Unauthorized' } },
          required: ['message'],
          additionalProperties: false,
        },
        Error: {
          type: 'object',
          properties: {
            error: { type: 'string', description: 'The error class, e.g. ValidationError, ForbiddenError' },
            message: { type: 'string' },
            problems: {
              type: 'array',
              description: 'For 400 and 415: each field that failed and why',
              items: {
                type: 'object',
                properties: { field: { type: 'string' }, reason: { type: 'string' } },
                required: ['field', 'reason'],
              },
            },
            details: { type: 'object', additionalProperties: true },
          },
          required: ['error', 'message'],
        },
      },
    },
  }
}

/**
 * The file's text as Biome formats it (two spaces, short arrays on one line, a final newline), so that
 * `biome check .` passes on the generated file: Biome's own formatter, not an imitation of it.
 */
export const renderOpenApi = () =>
  execFileSync(biome, ['format', `--stdin-file-path=${openApiPath}`], {
    input: `${JSON.stringify(buildOpenApi(), null, 2)}\n`,
    encoding: 'utf8',
  })

/** The route index: each route's method, path and function, for the routers' 404 and 405 (http-api.ts). */
export const renderRouteIndex = () =>
  execFileSync(biome, ['format', `--stdin-file-path=${routeIndexPath}`], {
    input: `${JSON.stringify(routeIndexOf(routes), null, 2)}\n`,
    encoding: 'utf8',
  })

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(openApiPath, renderOpenApi())
  writeFileSync(routeIndexPath, renderRouteIndex())
  console.log(`wrote ${openApiPath} and ${routeIndexPath}: ${routes.length} routes`)
}
