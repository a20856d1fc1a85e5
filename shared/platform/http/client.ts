// A typed client of the HTTP API, for the console to come: each route by its key (`'POST /visits/{visitId}/outcome'`),
// its path parameters, body and query typed from the route's declaration, its answer from the response schema. The
// declarations are imported for their types only: nothing of the actions comes with the client.
import type * as z from 'zod'
import type { routes } from './all-routes.ts'
import type { PathParams, RouteDeclaration } from './route.ts'

type AnyDeclared = (typeof routes)[number]
type KeyOf<R> = R extends { method: infer M extends string; path: infer P extends string }
  ? `${M} ${P}`
  : never

/** `METHOD /path` of every route. */
export type ApiRouteKey = KeyOf<AnyDeclared>
type RouteAt<K extends ApiRouteKey> = AnyDeclared extends infer R
  ? R extends unknown
    ? KeyOf<R> extends K
      ? R
      : never
    : never
  : never

type Parts<R> =
  // biome-ignore lint/suspicious/noExplicitAny: only the schemas are read here
  R extends RouteDeclaration<any, infer P, infer B, infer Q, infer S>
    ? { path: P; body: B; query: Q; response: S; mediaType: R extends { mediaType: string } ? string : never }
    : never

type ParamsPart<P extends string> = keyof PathParams<P> extends never
  ? { params?: undefined }
  : { params: PathParams<P> }
type BodyPart<B> = B extends z.ZodType ? { body: z.input<B> } : { body?: undefined }
type QueryPart<Q> = Q extends z.ZodType ? { query?: z.input<Q> } : { query?: undefined }

/** What a call sends: the path parameters, the body and the query the route takes, and headers of one's own. */
export type ApiRequest<K extends ApiRouteKey> = ParamsPart<Parts<RouteAt<K>>['path']> &
  BodyPart<Parts<RouteAt<K>>['body']> &
  QueryPart<Parts<RouteAt<K>>['query']> & { headers?: Record<string, string> }

/** What a route answers on success: its response schema's output (the text of a CSV report). */
export type ApiResponse<K extends ApiRouteKey> = z.output<Parts<RouteAt<K>>['response']>

type Arguments<K extends ApiRouteKey> =
  object extends ApiRequest<K> ? [request?: ApiRequest<K>] : [request: ApiRequest<K>]

/** An answer other than a success: its status and its body (the JSON error, `{ error, message, problems? }`). */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${status}: ${typeof body === 'object' && body && 'message' in body ? body.message : String(body)}`)
    this.name = 'ApiCallError'
  }
}

/**
 * `const api = apiClient(baseUrl, () => token)` then `await api('GET /visits/{visitId}', { params: { visitId } })`.
 * The token is asked for at every call (it may have been renewed); none is sent when it gives none.
 */
export const apiClient =
  (
    baseUrl: string,
    token: () => string | undefined | Promise<string | undefined>,
    fetcher: typeof fetch = (...args) => fetch(...args),
  ) =>
  async <K extends ApiRouteKey>(key: K, ...[request]: Arguments<K>): Promise<ApiResponse<K>> => {
    const given = (request ?? {}) as {
      params?: Record<string, string>
      body?: unknown
      query?: Record<string, unknown>
      headers?: Record<string, string>
    }
    const [method, template] = key.split(' ') as [string, string]
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = given.params?.[name]
      if (value === undefined) throw new Error(`${key}: path parameter ${name} is missing`)
      return encodeURIComponent(value)
    })
    const url = new URL(path.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`)
    for (const [name, value] of Object.entries(given.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value))
    const bearer = await token()
    const response = await fetcher(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(given.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...given.headers,
      },
      body: given.body !== undefined ? JSON.stringify(given.body) : undefined,
    })
    // The BOM kept: the CSV report starts with one, for spreadsheets to read it as UTF-8.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer())
    const isJson = /^application\/json\b/i.test(response.headers.get('content-type') ?? '')
    const body: unknown = isJson && text ? JSON.parse(text) : text
    if (!response.ok) throw new ApiCallError(response.status, body)
    return body as ApiResponse<K>
  }
