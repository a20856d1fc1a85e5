// The typed client of the HTTP API, against a fake fetch: the request it sends for a route, and what it gives back.
import { describe, expect, expectTypeOf, it } from 'vitest'
import { ApiCallError, type ApiRouteKey, apiClient } from '#shared/platform/http/client.ts'

interface Sent {
  url: string
  method: string
  headers: Record<string, string>
  body?: string
}

const fakeFetch = (status: number, body: string, contentType = 'application/json; charset=utf-8') => {
  const sent: Sent[] = []
  const fetcher = async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: init?.headers as Record<string, string>,
      body: init?.body as string | undefined,
    })
    return new Response(body, { status, headers: { 'content-type': contentType } })
  }
  return { sent, fetcher: fetcher as typeof fetch }
}

describe('the API client', () => {
  it('fills the path, sends the body as JSON with the token, and gives the answer typed by the route', async () => {
    const answer = { visitId: 'v 1', status: 'completed', flags: ['dissatisfied'], nominated: false }
    const { sent, fetcher } = fakeFetch(200, JSON.stringify(answer))
    const api = apiClient('http://127.0.0.1:3000', () => 'token-1', fetcher)
    const visit = await api('POST /visits/{visitId}/outcome', {
      params: { visitId: 'v 1' },
      body: { reached: true, method: 'phone', satisfaction: 'dissatisfied', repeatPetitionRisk: 'low' },
    })
    expect(visit).toEqual(answer)
    expectTypeOf(visit.flags).toEqualTypeOf<('dissatisfied' | 'high-risk' | 'not-reached')[]>()
    expectTypeOf(visit.status).toEqualTypeOf<'planned' | 'completed' | 'cancelled'>()
    expect(sent).toEqual([
      {
        url: 'http://127.0.0.1:3000/visits/v%201/outcome',
        method: 'POST',
        headers: {
          accept: 'application/json',
          authorization: 'Bearer token-1',
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          reached: true,
          method: 'phone',
          satisfaction: 'dissatisfied',
          repeatPetitionRisk: 'low',
        }),
      },
    ])
  })

  it('sends the query, and nothing for a route without parameters or body', async () => {
    const { sent, fetcher } = fakeFetch(
      200,
      JSON.stringify({ officerId: 'wang', today: '2026-03-02', visits: [] }),
    )
    const api = apiClient('https://api.example/prod/', async () => undefined, fetcher)
    const page = await api('GET /officers/{officerId}/worklist', {
      params: { officerId: 'wang' },
      query: { limit: 20, cursor: undefined },
    })
    expectTypeOf(page.nextCursor).toEqualTypeOf<string | undefined>()
    expect(sent[0]?.url).toBe('https://api.example/prod/officers/wang/worklist?limit=20')
    expect(sent[0]?.headers).toEqual({ accept: 'application/json' })

    const templates = fakeFetch(200, '[]')
    await apiClient('https://api.example', () => 't', templates.fetcher)('GET /admin/templates')
    expect(templates.sent[0]).toMatchObject({ url: 'https://api.example/admin/templates', body: undefined })
  })

  it('gives the CSV report as text', async () => {
    const { fetcher } = fakeFetch(200, '\ufeff月份\r\n', 'text/csv; charset=utf-8')
    const api = apiClient('http://127.0.0.1:3000', () => 't', fetcher)
    const csv = await api('GET /regions/{regionCode}/reports/monthly', { params: { regionCode: '330106' } })
    expectTypeOf(csv).toEqualTypeOf<string>()
    expect(csv).toBe('\ufeff月份\r\n')
  })

  it('throws the status and the JSON error of an answer that is not a success', async () => {
    const error = { error: 'NotFoundError', message: 'visit v-9 not found' }
    const api = apiClient('http://127.0.0.1:3000', () => 't', fakeFetch(404, JSON.stringify(error)).fetcher)
    const call = api('GET /visits/{visitId}', { params: { visitId: 'v-9' } })
    await expect(call).rejects.toBeInstanceOf(ApiCallError)
    await expect(call).rejects.toMatchObject({ status: 404, body: error })
  })

  it('types every route by its key, and refuses what a route does not take', () => {
    expectTypeOf<'GET /matters/{matterId}'>().toExtend<ApiRouteKey>()
    expectTypeOf<'GET /nowhere'>().not.toExtend<ApiRouteKey>()
    const api = apiClient('http://127.0.0.1:3000', () => 't', fakeFetch(200, '{}').fetcher)
    // Compile-time only: each line must fail to type-check.
    const refused = () => {
      // @ts-expect-error the path parameter is required
      void api('GET /visits/{visitId}', {})
      // @ts-expect-error a body of the wrong shape
      void api('POST /matters', { body: { matterId: 42 } })
      // @ts-expect-error no such route
      void api('GET /nowhere')
    }
    expect(typeof refused).toBe('function')
  })
})
