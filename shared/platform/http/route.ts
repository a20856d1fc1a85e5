// A route, declared once: method, path, the function that serves it, roles, schemas of what it takes and answers, and
// its action. The routers (http-api.ts), the CDK routes, the local server, docs/openapi.json and the typed client
// (client.ts) all derive from these declarations.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda'
import type * as z from 'zod'
import type { Actor, Role } from '../../access/rules/roles.ts'
import type { AppDeps } from '../deps.ts'
import type { FunctionName } from '../resources.ts'

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'
export type SuccessStatus = 200 | 201 | 202 | 204

type ParameterNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParameterNames<Rest>
  : never
/** The path parameters of a template: `'/visits/{visitId}'` → `{ visitId: string }`. */
export type PathParams<P extends string> = { [Name in ParameterNames<P>]: string }

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined

export interface RouteRequest<P extends string, B, Q> {
  deps: AppDeps
  actor: Actor
  /** Each checked against its grammar before `run` (http-api.ts). */
  params: PathParams<P>
  body: Parsed<B>
  query: Parsed<Q>
  event: HttpEvent
}

/**
 * A success other than the route's first status, or with headers: `run` returns one of these instead of the body.
 * The body is what the route's `response` schema describes.
 */
export class Reply<T = unknown> {
  constructor(
    readonly status: SuccessStatus,
    readonly body: T,
    readonly headers: Record<string, string> = {},
  ) {}
}

export const reply = <T>(status: SuccessStatus, body: T, headers?: Record<string, string>) =>
  new Reply(status, body, headers)

export interface RouteDeclaration<
  M extends Method = Method,
  P extends string = string,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType = z.ZodType,
> {
  method: M
  /** API Gateway style, `{name}` for a path parameter. */
  path: P
  function: FunctionName
  roles: readonly Role[]
  summary: string
  /**
   * `jwt` (the default): the JWT authorizer (Cognito's ID tokens, or another OIDC provider's), then the caller as the
   * directory knows them, and role and region checks, in the function.
   * `inbound-secret`: no authorizer; an SMS provider's callback proves itself with a shared secret header
   * (`authenticate`).
   */
  auth?: 'jwt' | 'inbound-secret'
  /** For routes without the JWT authorizer: proves the caller, or throws 401. */
  authenticate?: (deps: AppDeps, event: HttpEvent) => Promise<Actor>
  /** The request body's schema; a route with one takes `application/json`. */
  body?: B
  /** The query string's schema; a bad parameter is a 400 naming `query.<name>`. */
  query?: Q
  /** The success body: a JSON value, or the text of `mediaType`. */
  response: R
  /** The success body's media type when it is not JSON (sent with `; charset=utf-8`). */
  mediaType?: 'text/csv'
  /** Success statuses, the usual one first; `[200]` when not given. */
  success?: readonly SuccessStatus[]
  /** The route can answer 409: an id taken, a state that forbids the change, a concurrent write. */
  conflict?: true
  /** The action: the success body (of the first success status), or a `reply(...)`. */
  run(request: RouteRequest<P, B, Q>): Promise<unknown>
}

/** Any route, whatever its schemas. */
export type AnyRoute = RouteDeclaration<
  Method,
  string,
  // biome-ignore lint/suspicious/noExplicitAny: a list holds routes of every schema
  any,
  // biome-ignore lint/suspicious/noExplicitAny: likewise
  any,
  z.ZodType
>

/** Keeps a route's literal method and path, and types `run`'s params, body and query from them. */
export const defineRoute = <
  const M extends Method,
  const P extends string,
  R extends z.ZodType,
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(
  route: RouteDeclaration<M, P, B, Q, R>,
) => route

/** `${method} ${path}`, as the route index, the tests and the client name a route. */
export const routeKey = <M extends string, P extends string>(route: { method: M; path: P }) =>
  `${route.method} ${route.path}` as `${M} ${P}`

export const parametersOf = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string)

/** A route's status codes: its successes, then the errors http-api.ts and the actions can answer with. */
export const statusCodesOf = (route: AnyRoute) => {
  const errors: number[] = []
  if (route.body || route.query) errors.push(400)
  errors.push(401)
  if ((route.auth ?? 'jwt') === 'jwt') errors.push(403)
  if (parametersOf(route.path).length > 0) errors.push(404)
  if (route.conflict) errors.push(409)
  if (route.body) errors.push(415)
  return {
    success: route.success ?? [200],
    contentType: route.mediaType ?? 'application/json',
    errors,
  }
}
