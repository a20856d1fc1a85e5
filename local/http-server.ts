// The local HTTP API on 127.0.0.1: checks the bearer token as API Gateway's JWT authorizer would (answering its very
// 401), then hands an HTTP API (v2) event, with the claims as that authorizer renders them, to the function that
// serves the route. What matches no route goes, as on AWS through the
// `$default` route, to the fallback function without a token check; its router answers the JSON 404 or 405.
// Local-only routes: /health and /local/sms. Sizes are refused as JSON, like every other error: a body over 1 MiB
// (413), headers over API Gateway's own limit (431).
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda'
import { type RouteDesign, routes } from '#shared/platform/http/all-routes.ts'
import { FALLBACK_ROUTE_KEY, templateMatches } from '#shared/platform/http/http-api.ts'
import { type FunctionName, httpFallback } from '#shared/platform/resources.ts'
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

/**
 * The largest request body the local API takes. API Gateway's HTTP API takes 10 MB and Lambda 6 MB of event, but no
 * request of this API needs more than a few kilobytes: a body this size is a mistake or an attack, refused early.
 */
export const MAX_BODY_BYTES = 1024 * 1024
/**
 * The request line and headers: API Gateway's HTTP API takes 10,240 bytes of request line and header values. Node
 * counts the header names too, so what passes here passes there.
 */
export const MAX_HEADER_BYTES = 10_240

class BodyTooLarge extends Error {}

const tooLarge = (response: ServerResponse) =>
  send(response, 413, {
    error: 'PayloadTooLargeError',
    message: `the request body is larger than ${MAX_BODY_BYTES} bytes`,
  })

/**
 * The body, or BodyTooLarge as soon as it passes the limit, whether it says its length or not. What comes after is
 * still read and dropped (never buffered), so that the client, still sending, reads the 413.
 */
const readBody = (request: IncomingMessage) =>
  new Promise<string>((ok, fail) => {
    const refuse = () => {
      fail(new BodyTooLarge())
      request.resume()
    }
    if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return refuse()
    const chunks: Buffer[] = []
    let size = 0
    let refused = false
    request.on('data', (chunk: Buffer) => {
      if (refused) return
      size += chunk.length
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk)
      refused = true
      chunks.length = 0
      refuse()
    })
    request.on('end', () => ok(Buffer.concat(chunks).toString('utf8')))
    request.on('error', fail)
  })

/**
 * What Node answers itself, before any handler runs, as JSON: headers too large (431), a request it cannot parse
 * (400). Written on the socket, since there is no response object yet; the connection closes after it.
 */
const answerClientError = (error: NodeJS.ErrnoException, socket: Duplex) => {
  if (!socket.writable) return socket.destroy()
  const [status, reason, body] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          {
            error: 'RequestHeaderFieldsTooLargeError',
            message: `the request line and headers are larger than ${MAX_HEADER_BYTES} bytes`,
          },
        ]
      : [400, 'Bad Request', { error: 'BadRequestError', message: 'the request is not valid HTTP' }]
  const text = JSON.stringify(body)
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  )
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
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1')
      const method = request.method ?? 'GET'
      if (url.pathname === '/health' && method === 'GET') {
        const health = await options.health()
        return send(response, health.ok ? 200 : 503, health)
      }
      if (url.pathname === '/local/sms' && method === 'GET')
        return send(response, 200, await options.localSms())

      let body: string
      try {
        body = await readBody(request)
      } catch (error) {
        if (!(error instanceof BodyTooLarge)) throw error
        return tooLarge(response)
      }
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
      const result = await fn(toEvent(request, url, body, claims, routeKey), lambdaContext(target))
      if (typeof result === 'string') return send(response, 200, result)
      response.writeHead(result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>)
      response.end(result.body ?? '')
    } catch (error) {
      send(response, 500, { error: 'InternalError', message: 'internal error' })
      console.error(error)
    }
  })
  server.on('clientError', answerClientError)
  return new Promise((ok, fail) => {
    server.once('error', fail)
    server.listen(options.port, '127.0.0.1', () => ok(server))
  })
}
