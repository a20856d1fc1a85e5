// One middy router per HTTP function, built from its route declarations: authorization, JSON bodies and errors in one
// place.
import type { Logger } from '@aws-lambda-powertools/logger'
import middy from '@middy/core'
import httpHeaderNormalizer from '@middy/http-header-normalizer'
import httpRouterHandler, { type Method } from '@middy/http-router'
import type { APIGatewayProxyResultV2 } from 'aws-lambda'
import * as z from 'zod'
import { actorResolver } from '../../access/callers.ts'
import { isRegionCode } from '../../access/rules/region-scope.ts'
import { type Actor, requireRole } from '../../access/rules/roles.ts'
import type { AppDeps } from '../deps.ts'
import { AppError, NotFoundError, problemsFromZod, ValidationError } from '../errors.ts'
import { derivedIdSchema, idSchema } from '../id.ts'
import type { FunctionName } from '../resources.ts'
import { type AnyRoute, type HttpEvent, parametersOf, Reply, routeKey } from './route.ts'
import routeIndex from './route-index.json' with { type: 'json' }

export type { HttpEvent } from './route.ts'

/** Every route's method, path and function, written from the declarations by `npm run openapi` (all-routes.ts). */
export interface RouteIndexEntry {
  method: string
  path: string
  function: string
}
const indexed: readonly RouteIndexEntry[] = routeIndex

const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
})

export const errorBody = (error: AppError) => ({
  error: error.name,
  message: error.message,
  ...(error instanceof ValidationError ? { problems: error.problems } : {}),
  ...(error.details ? { details: error.details } : {}),
})

const parseBody = (event: HttpEvent, schema: z.ZodType): unknown => {
  const type = event.headers?.['content-type']
  if (!type || !/^application\/json\b/i.test(type)) {
    throw new ValidationError(
      [
        {
          field: 'content-type',
          reason: type ? `must be application/json, not ${type}` : 'is missing: send application/json',
        },
      ],
      415,
    )
  }
  const raw =
    event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body
  if (!raw) throw new ValidationError([{ field: '(body)', reason: 'is empty: a JSON object is required' }])
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (error) {
    throw new ValidationError([{ field: '(body)', reason: `is not valid JSON: ${(error as Error).message}` }])
  }
  const result = schema.safeParse(parsed)
  if (!result.success) throw new ValidationError(problemsFromZod(result.error.issues))
  return result.data
}

/** Path parameters that name an id an office chose; any other `…Id` names a derived one (a visit, a notification). */
const officeIdParameters = new Set(['officerId', 'matterId', 'petitionerId', 'unitId', 'eventId'])
const otherParameters: Record<string, z.ZodType<string>> = {
  regionCode: z.string().refine(isRegionCode, 'must be a 6, 9 or 12 digit division code'),
  // The audit trail's kinds (visit, case, …): its use case names them; here only their shape.
  subjectType: z.string().regex(/^[a-z]{1,32}$/, 'must be a word of lowercase letters'),
}

/**
 * The grammar of a path parameter, by its name, so that every route of every function is covered, a route added later
 * too: ids by the id grammar under its byte cap (shared/platform/id.ts), which keeps every key made from one
 * within DynamoDB's limits; region codes as division codes. A name with no grammar stops the router from being built.
 */
export const pathParameterSchema = (name: string): z.ZodType<string> | undefined =>
  otherParameters[name] ??
  (officeIdParameters.has(name) ? idSchema : /Id$/.test(name) ? derivedIdSchema : undefined)

/** Each path parameter against its grammar: a 400 naming `path.<name>` and the reason, before any lookup. */
const checkPathParameters = (design: AnyRoute, given: Record<string, string | undefined>) => {
  const problems = parametersOf(design.path).flatMap((name) => {
    const parsed = (pathParameterSchema(name) as z.ZodType<string>).safeParse(given[name] ?? '')
    return parsed.success ? [] : problemsFromZod(parsed.error.issues, `path.${name}`)
  })
  if (problems.length > 0) throw new ValidationError(problems)
  return given as Record<string, string>
}

type ResolveActor = (claims: Record<string, unknown> | undefined) => Promise<Actor>

const handlerFor =
  (design: AnyRoute, deps: AppDeps, resolveActor: ResolveActor) => async (event: HttpEvent) => {
    const actor = design.authenticate
      ? await design.authenticate(deps, event)
      : await resolveActor(event.requestContext?.authorizer?.jwt?.claims)
    if (!design.authenticate) requireRole(actor, design.roles)
    const params = checkPathParameters(design, event.pathParameters ?? {})
    const body = design.body ? parseBody(event, design.body) : undefined
    let query: unknown
    if (design.query) {
      const parsed = (design.query as z.ZodType).safeParse(event.queryStringParameters ?? {})
      if (!parsed.success) throw new ValidationError(problemsFromZod(parsed.error.issues, 'query'))
      query = parsed.data
    }
    const result = await design.run({ deps, actor, params, body, query, event })
    const {
      status,
      body: answer,
      headers,
    } = result instanceof Reply ? result : new Reply((design.success ?? [200])[0] ?? 200, result)
    if (design.mediaType) {
      return {
        statusCode: status,
        headers: { 'content-type': `${design.mediaType}; charset=utf-8`, ...headers },
        body: answer as string,
      }
    }
    return json(status, answer ?? null, headers)
  }

/**
 * Whether a path matches a route template (`/matters/{matterId}`) as API Gateway matches it: each `{name}` one segment,
 * and nothing more (no trailing slash: on AWS `/matters/c-1/` matches no route and goes to `$default`). The local HTTP
 * server (local/http-server.ts) picks its routes with this too.
 */
export const templateMatches = (template: string, path: string) =>
  new RegExp(`^${template.replace(/\{[^/]+\}/g, '[^/]+')}$`).test(path)

class MethodNotAllowedError extends AppError {}

/**
 * Unknown path: 404. Known path (of any function: the route index has every route), other method: 405 with Allow. Both as
 * JSON, the same locally and on AWS, where they come through the API's `$default` route.
 */
const notFoundResponse = ({ method, path }: { method: string; path: string }): never => {
  const allowed = [...new Set(indexed.filter((r) => templateMatches(r.path, path)).map((r) => r.method))]
  // A method the path allows can only get here on `$default`: the path as sent matched no declared route.
  if (allowed.length > 0 && !(allowed as string[]).includes(method)) {
    const allow = allowed.join(', ')
    throw new MethodNotAllowedError(`${method} is not allowed on ${path}; allowed: ${allow}`, 405, {
      details: { allow },
    })
  }
  throw new NotFoundError(`no route ${method} ${path}`)
}

/** The route key of the HTTP API's catch-all route: what matched no declared route (infra/service-stack.ts). */
export const FALLBACK_ROUTE_KEY = '$default'

/**
 * A request on `$default` matched no declared route, and no authorizer ran for it: it gets the 404 or 405 and never
 * reaches a route's handler, even where this router's own matching (a trailing slash, say) would find one.
 */
const declaredRoutesOnly =
  <C, O, R>(router: (event: HttpEvent, context: C, opts: O) => R) =>
  (event: HttpEvent, context: C, opts: O): R =>
    event.routeKey === FALLBACK_ROUTE_KEY
      ? notFoundResponse({ method: event.requestContext.http.method, path: event.rawPath })
      : router(event, context, opts)

/**
 * The function's router, from its route declarations: exactly the routes the route index gives to this function
 * (run `npm run openapi` after adding or moving one). The caller of each route with the JWT authorizer is the person
 * the directory links to the token's sign-in (shared/access/callers.ts), resolved at the first request that needs
 * it: building the router reads nothing.
 */
export const httpApi = (fn: FunctionName, declarations: readonly AnyRoute[], deps: AppDeps) => {
  const logger: Logger = deps.logger
  let resolver: ResolveActor | undefined
  const resolveActor: ResolveActor = (claims) => {
    resolver ??= actorResolver(deps)
    return resolver(claims)
  }
  const declared = declarations.map((d) => `${routeKey(d)} (${d.function})`)
  const expected = indexed.filter((r) => r.function === fn).map((r) => `${routeKey(r)} (${r.function})`)
  const missing = expected.filter((k) => !declared.includes(k))
  const extra = declared.filter((k) => !expected.includes(k))
  if (missing.length > 0 || extra.length > 0 || new Set(declared).size !== declared.length) {
    throw new Error(
      `the routes given to ${fn} are not those of the route index: missing ${missing.join(', ') || 'none'}, ` +
        `not the index's ${extra.join(', ') || 'none'}; declare each once, with function ${fn}, and run ` +
        '`npm run openapi`',
    )
  }
  const ungoverned = declarations.flatMap((d) =>
    parametersOf(d.path)
      .filter((name) => !pathParameterSchema(name))
      .map((name) => `{${name}} of ${d.path}`),
  )
  if (ungoverned.length > 0) {
    throw new Error(
      `path parameters without a grammar: ${ungoverned.join(', ')}; give them one in shared/platform/http/http-api.ts`,
    )
  }
  const router = httpRouterHandler<HttpEvent, APIGatewayProxyResultV2>({
    routes: declarations.map((design) => ({
      method: design.method as Method,
      path: design.path,
      handler: handlerFor(design, deps, resolveActor),
    })),
    notFoundResponse,
  })
  return middy<HttpEvent, APIGatewayProxyResultV2>()
    .use(httpHeaderNormalizer())
    .use({
      onError: async (request) => {
        const error = request.error
        if (error instanceof AppError && error.expose) {
          const allow = error.statusCode === 405 ? { allow: String(error.details?.allow ?? '') } : undefined
          request.response = json(error.statusCode, errorBody(error), allow)
          return
        }
        logger.error('request failed', { error: error as Error, path: request.event.rawPath })
        request.response = json(500, { error: 'InternalError', message: 'internal error' })
      },
    })
    .handler(declaredRoutesOnly(router))
}
