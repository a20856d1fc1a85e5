// The HTTP API's contract beside the route table: each route's request body and query schemas, its status codes.
// The routers refuse to start if a route's `body` or `query` is not the schema named here; scripts/openapi.ts
// documents all of it.
import type * as z from 'zod'
import { calendarYearInput } from '../../calendar/rules/calendar-year.ts'
import {
  cadencePolicyInput,
  officerInput,
  officerReplacement,
  petitionerInput,
  petitionerReplacement,
  signInInput,
  unitInput,
  unitReplacement,
} from '../../directory/rules/schemas.ts'
import { caseEventInput, registerCaseInput } from '../../matters/rules/schemas.ts'
import { inboundSmsInput } from '../../notifications/actions/receive-inbound-sms.ts'
import { templateInput } from '../../notifications/actions/save-template.ts'
import { optOutInput } from '../../notifications/actions/set-opt-out.ts'
import { quietHoursInput } from '../../notifications/actions/set-quiet-hours.ts'
import { resolutionInput } from '../../notifications/actions/unknown-notifications.ts'
import {
  appointmentInput,
  cancelInput,
  closeRemainingInput,
  leaveInput,
  reassignInput,
  rescheduleInput,
} from '../../visits/inputs.ts'
import { outcomeInput } from '../../visits/rules/outcome.ts'
import { monthQuery, worklistQuery } from '../../visits/visit-views.ts'
import type { FunctionName } from '../resources.ts'
import { type Route, routes } from './routes.ts'

type KeyOf<R> = R extends { method: string; path: string } ? `${R['method']} ${R['path']}` : never
/** `${method} ${path}` of a route in the table, as the routers' implementations are keyed. */
export type RouteKey = KeyOf<Route>

export const routeKey = (route: { method: string; path: string }) =>
  `${route.method} ${route.path}` as RouteKey

/** The very schema object each route's implementation parses its JSON body with; a route not listed takes none. */
export const requestBodies: Partial<Record<RouteKey, z.ZodType>> = {
  'POST /admin/units': unitInput,
  'PUT /admin/units/{unitId}': unitReplacement,
  'POST /admin/officers': officerInput,
  'PUT /admin/officers/{officerId}': officerReplacement,
  'POST /admin/officers/{officerId}/sign-in': signInInput,
  'POST /admin/petitioners': petitionerInput,
  'PUT /admin/petitioners/{petitionerId}': petitionerReplacement,
  'POST /admin/calendar-years': calendarYearInput,
  'POST /admin/cadence-policies': cadencePolicyInput,
  'POST /cases': registerCaseInput,
  'POST /cases/{caseId}/events': caseEventInput,
  'POST /visits/{visitId}/outcome': outcomeInput,
  'POST /visits/{visitId}/reassign': reassignInput,
  'POST /visits/{visitId}/cancel': cancelInput,
  'POST /visits/{visitId}/reschedule': rescheduleInput,
  'POST /visits/{visitId}/appointment': appointmentInput,
  'POST /officers/{officerId}/leave': leaveInput,
  'POST /cases/{caseId}/visits/close-remaining': closeRemainingInput,
  'POST /admin/opt-outs': optOutInput,
  'POST /admin/quiet-hours': quietHoursInput,
  'POST /admin/templates': templateInput,
  'POST /sms/inbound': inboundSmsInput,
  'POST /notifications/{notificationId}/resolution': resolutionInput,
}

/** Likewise the query string's schema, for the routes that read one. */
export const requestQueries: Partial<Record<RouteKey, z.ZodType>> = {
  'GET /officers/{officerId}/worklist': worklistQuery,
  'GET /regions/{regionCode}/board': monthQuery,
  'GET /regions/{regionCode}/accountability': monthQuery,
  'GET /regions/{regionCode}/reports/monthly': monthQuery,
}

export interface RouteResponses {
  /** Success status codes; 200 when not given. */
  success?: readonly (200 | 201 | 202 | 204)[]
  /** The success body's media type; `application/json` when not given. */
  contentType?: string
  /** The route can answer 409: an id taken, a state that forbids the change, a concurrent write. */
  conflict?: true
}

/** What differs from the default (200, no conflict). */
export const responses: Partial<Record<RouteKey, RouteResponses>> = {
  'POST /admin/units': { success: [201], conflict: true },
  'PUT /admin/units/{unitId}': { conflict: true },
  'POST /admin/officers': { success: [201], conflict: true },
  'PUT /admin/officers/{officerId}': { conflict: true },
  'POST /admin/petitioners': { success: [201], conflict: true },
  'PUT /admin/petitioners/{petitionerId}': { conflict: true },
  'POST /admin/officers/{officerId}/sign-in': { conflict: true },
  'POST /admin/calendar-years': { conflict: true },
  'POST /admin/cadence-policies': { conflict: true },
  'POST /cases': { success: [201], conflict: true },
  'POST /cases/{caseId}/events': { success: [201, 200], conflict: true },
  'POST /visits/{visitId}/outcome': { conflict: true },
  'POST /visits/{visitId}/reassign': { conflict: true },
  'POST /visits/{visitId}/cancel': { conflict: true },
  'POST /visits/{visitId}/reschedule': { conflict: true },
  'POST /visits/{visitId}/appointment': { conflict: true },
  'POST /officers/{officerId}/leave': { conflict: true },
  'POST /cases/{caseId}/visits/close-remaining': { conflict: true },
  'GET /regions/{regionCode}/reports/monthly': { contentType: 'text/csv' },
  'POST /notifications/{notificationId}/resolution': { conflict: true },
}

/** A route's status codes: its successes, then the errors http-api.ts and the use-cases can answer with. */
export const statusCodesOf = (route: { method: string; path: string; auth?: 'jwt' | 'inbound-secret' }) => {
  const key = routeKey(route)
  const declared = responses[key]
  const errors: number[] = []
  if (requestBodies[key] || requestQueries[key]) errors.push(400)
  errors.push(401)
  if ((route.auth ?? 'jwt') === 'jwt') errors.push(403)
  if (/\{[^/]+\}/.test(route.path)) errors.push(404)
  if (declared?.conflict) errors.push(409)
  if (requestBodies[key]) errors.push(415)
  return {
    success: declared?.success ?? [200],
    contentType: declared?.contentType ?? 'application/json',
    errors,
  }
}

/**
 * The routes of a function whose implementation's body or query schema is not the very object of this contract:
 * a test runs this over every HTTP function, so the OpenAPI document cannot drift from the code.
 */
export const contractDrift = (
  fn: FunctionName,
  implementations: Record<string, { body?: unknown; query?: unknown } | undefined>,
): string[] =>
  routes
    .filter((r) => r.function === fn)
    .map((r) => routeKey(r))
    .filter((key) => {
      const implementation = implementations[key]
      return (
        implementation?.body !== (requestBodies as Record<string, unknown>)[key] ||
        implementation?.query !== (requestQueries as Record<string, unknown>)[key]
      )
    })
