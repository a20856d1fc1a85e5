// The local HTTP API on 127.0.0.1: checks the bearer token as API Gateway's JWT authorizer would (answering its very
// 401), then hands an HTTP API (v2) event, with the claims as that authorizer renders them, to the function that
// serves the route. What matches no route goes, as on AWS through the
// `$default` route, to the fallback function without a token check; its router answers the JSON 404 or 405.
// Local-only routes: /health and /local/sms.
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda'
import { FALLBACK_ROUTE_KEY, templateMatches } from '#shared/middleware/http-api.ts'
import { type FunctionName, httpFallback } from '#shared/resources.ts'
import { type RouteDesign, routes } from '#shared/routes.ts'
import { lambdaContext } from './lambda-context.ts'
import { verifyLocalToken } from './tokens.ts'

export type HttpFunction = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyResultV2>

export interface LocalHttpOptions {
  port: number
  tokenSecret: string
  functions: Partial<Record<FunctionName, HttpFunction>>
  health: () => Promise<{ ok: boolean; components: Record<string, string> }>
  localSms: () => Promise<unknown[]>
}

/**
 * A claim as API Gateway's HTTP API JWT authorizer hands it to the function: always a string. Numbers and booleans
 * as their text ("1767225600", "true"), arrays bracketed and space-separated ("[admin editor]", as seen for
 * `cognito:groups`), objects likewise as `map[key:value …]`.
 */
export const claimAsApiGatewayRendersIt = (value: unknown): string => {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return `[${value.map(claimAsApiGatewayRendersIt).join(' ')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )
    return `map[${entries.map(([k, v]) => `${k}:${claimAsApiGatewayRendersIt(v)}`).join(' ')}]`
  }
  return String(value)
}

export const claimsAsApiGatewayRendersThem = (claims: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, claimAsApiGatewayRendersIt(value)]))

/** API Gateway's own 401: this body, and a `www-authenticate` header saying why (clients must not rely on its text). */
const unauthorized = (response: ServerResponse, problem: string) =>
  send(
    response,
    401,
    { message: 'Unauthorized' },
    { 'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${problem}"` },
  )

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

const send = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  response.end(typeof body === 'string' ? body : JSON.stringify(body))
}

const toEvent = (
  request: IncomingMessage,
  url: URL,
  body: string,
  claims: Record<string, string>,
  routeKey: string,
): APIGatewayProxyEventV2WithJWTAuthorizer => {
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([k, v]) => [
      k.toLowerCase(),
      Array.isArray(v) ? v.join(',') : (v ?? ''),
    ]),
  )
  const now = new Date()
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    body: body || undefined,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims, scopes: [] },
      },
    },
  }
}

export const startHttpServer = (options: LocalHttpOptions): Promise<Server> => {
  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1')
      const method = request.method ?? 'GET'
      if (url.pathname === '/health' && method === 'GET') {
        const health = await options.health()
        return send(response, health.ok ? 200 : 503, health)
      }
      if (url.pathname === '/local/sms' && method === 'GET')
        return send(response, 200, await options.localSms())

      const matched: RouteDesign | undefined = routes.find(
        (r) => r.method === method && templateMatches(r.path, url.pathname),
      )
      let claims: Record<string, string> = {}
      if (matched && (matched.auth ?? 'jwt') === 'jwt') {
        // API Gateway answers these itself, before any function runs.
        const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1]
        if (!token) return unauthorized(response, 'the token is missing')
        const verified = await verifyLocalToken(options.tokenSecret, token)
        if ('problem' in verified) return unauthorized(response, verified.problem)
        claims = claimsAsApiGatewayRendersThem(verified.claims)
      }
      const target = matched?.function ?? httpFallback.function
      const fn = options.functions[target]
      if (!fn) return send(response, 503, { error: 'Unavailable', message: `${target} is not running` })

      const routeKey = matched ? `${matched.method} ${matched.path}` : FALLBACK_ROUTE_KEY
      const result = await fn(
        toEvent(request, url, await readBody(request), claims, routeKey),
        lambdaContext(target),
      )
      if (typeof result === 'string') return send(response, 200, result)
      response.writeHead(result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>)
      response.end(result.body ?? '')
    } catch (error) {
      send(response, 500, { error: 'InternalError', message: 'internal error' })
      console.error(error)
    }
  })
  return new Promise((ok, fail) => {
    server.once('error', fail)
    server.listen(options.port, '127.0.0.1', () => ok(server))
  })
}
