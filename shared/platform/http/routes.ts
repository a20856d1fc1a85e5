// The HTTP route table: drives the Lambda routers, the CDK API routes, the local server and the OpenAPI check.
import type { Role } from '../../access/rules/roles.ts'
import type { FunctionName } from '../resources.ts'

export interface RouteDesign {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** API Gateway style, `{name}` for a path parameter. */
  path: string
  function: FunctionName
  roles: readonly Role[]
  summary: string
  /**
   * `jwt` (the default): the JWT authorizer (Cognito's ID tokens, or another OIDC provider's), then the caller as the
   * directory knows them, and role and region checks, in the function.
   * `inbound-secret`: no authorizer; an SMS provider's callback proves itself with a shared secret header.
   */
  auth?: 'jwt' | 'inbound-secret'
}

const staff = ['officer', 'supervisor', 'committee', 'admin'] as const

export const routes = [
  {
    method: 'POST',
    path: '/admin/units',
    function: 'directory-api',
    roles: ['admin'],
    summary: 'Create a unit; 409 if its id exists (PUT replaces)',
  },
  {
    method: 'PUT',
    path: '/admin/units/{unitId}',
    function: 'directory-api',
    roles: ['admin'],
    summary:
      'Replace a unit of your scope with the one given (no parentUnitId: a unit at the top); a unit keeps its region',
  },
  {
    method: 'POST',
    path: '/admin/officers',
    function: 'directory-api',
    roles: ['admin'],
    summary:
      'Create a staff record: an officer, supervisor, committee member or administrator (duty); 409 if its id ' +
      'exists (PUT replaces)',
  },
  {
    method: 'PUT',
    path: '/admin/officers/{officerId}',
    function: 'directory-api',
    roles: ['admin'],
    summary:
      "Replace a staff record's name, phone and unit, and its duty, locale and active when given (kept when not): a " +
      'person who has left stays so unless the body says "active": true; open visits and the sign-in are kept',
  },
  {
    method: 'POST',
    path: '/admin/officers/{officerId}/sign-in',
    function: 'directory-api',
    roles: ['admin'],
    summary:
      "Create a person's sign-in (email: a Cognito account; subject: one the identity provider has) and link it to " +
      'their directory record',
  },
  {
    method: 'POST',
    path: '/admin/petitioners',
    function: 'directory-api',
    roles: ['admin', 'supervisor', 'officer'],
    summary: 'Create a petitioner; 409 if the id exists (PUT replaces)',
  },
  {
    method: 'PUT',
    path: '/admin/petitioners/{petitionerId}',
    function: 'directory-api',
    roles: ['admin', 'supervisor', 'officer'],
    summary: "Replace a petitioner's name, phone and unit, and locale when given (kept when not)",
  },
  {
    method: 'POST',
    path: '/admin/calendar-years',
    function: 'directory-api',
    roles: ['admin'],
    summary: "Load a year's holiday arrangement; provisional visits of that year are recomputed",
  },
  {
    method: 'GET',
    path: '/admin/warnings',
    function: 'directory-api',
    roles: ['admin', 'supervisor'],
    summary: 'What administrators must act on (a holiday arrangement to load, …)',
  },
  {
    method: 'POST',
    path: '/admin/cadence-policies',
    function: 'directory-api',
    roles: ['admin'],
    summary: "Set a region's cadence policy for one trigger",
  },
  {
    method: 'GET',
    path: '/admin/cadence-policies/{regionCode}',
    function: 'directory-api',
    roles: ['admin', 'supervisor'],
    summary: "A region's effective cadence policy per trigger, and every version of its own",
  },
  {
    method: 'POST',
    path: '/cases',
    function: 'cases-api',
    roles: ['officer', 'supervisor', 'admin'],
    summary: 'Register a matter',
  },
  {
    method: 'GET',
    path: '/cases/{caseId}',
    function: 'cases-api',
    roles: staff,
    summary: 'Read a matter and its events',
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/events',
    function: 'cases-api',
    roles: ['officer', 'supervisor'],
    summary: 'Record what happened to a matter (resolved, mediated, terminated, stopped visiting)',
  },
  {
    method: 'GET',
    path: '/visits/{visitId}',
    function: 'visits-api',
    roles: staff,
    summary: 'Read a return visit',
  },
  {
    method: 'POST',
    path: '/visits/{visitId}/outcome',
    function: 'visits-api',
    roles: ['officer', 'supervisor'],
    summary: 'Record the outcome of a return visit',
  },
  {
    method: 'POST',
    path: '/visits/{visitId}/reassign',
    function: 'visits-api',
    roles: ['supervisor', 'admin'],
    summary: 'Give a visit to another officer, with a reason',
  },
  {
    method: 'POST',
    path: '/visits/{visitId}/cancel',
    function: 'visits-api',
    roles: ['supervisor', 'admin'],
    summary: 'Cancel a planned visit, with a reason',
  },
  {
    method: 'POST',
    path: '/visits/{visitId}/reschedule',
    function: 'visits-api',
    roles: ['officer', 'supervisor'],
    summary: 'Move a planned visit to another working day, with a reason; its reminders and ladder move too',
  },
  {
    method: 'POST',
    path: '/visits/{visitId}/appointment',
    function: 'visits-api',
    roles: ['officer', 'supervisor'],
    summary: 'Set an appointment; the petitioner gets an SMS with the time and the officer',
  },
  {
    method: 'POST',
    path: '/officers/{officerId}/leave',
    function: 'visits-api',
    roles: ['supervisor', 'admin'],
    summary: 'An officer leaves: every open visit is handed over',
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/visits/close-remaining',
    function: 'visits-api',
    roles: ['supervisor'],
    summary: 'Stop rule: after two consecutive satisfied visits, close the remaining planned ones',
  },
  {
    method: 'GET',
    path: '/audit/{subjectType}/{subjectId}',
    function: 'visits-api',
    roles: ['supervisor', 'admin'],
    summary:
      'The audit trail of a visit, case, officer, petitioner or unit: who changed what, when, before and after',
  },
  {
    method: 'GET',
    path: '/officers/{officerId}/worklist',
    function: 'visits-api',
    roles: ['officer', 'supervisor', 'admin'],
    summary: "An officer's open visits: overdue, due today, this week, later (paginated, stable order)",
  },
  {
    method: 'GET',
    path: '/regions/{regionCode}/board',
    function: 'visits-api',
    roles: ['supervisor', 'admin', 'committee'],
    summary:
      "A region's board for a month: overdue by officer and unit, on-time, reach and satisfaction rates, risks",
  },
  {
    method: 'GET',
    path: '/regions/{regionCode}/accountability',
    function: 'visits-api',
    roles: ['supervisor', 'admin'],
    summary: "A region's accountability ledger for a month",
  },
  {
    method: 'GET',
    path: '/regions/{regionCode}/reports/monthly',
    function: 'visits-api',
    roles: ['supervisor', 'admin'],
    summary: 'The monthly summary as CSV (UTF-8 with BOM, CRLF), one row per officer',
  },
  {
    method: 'POST',
    path: '/admin/opt-outs',
    function: 'notifications-api',
    roles: ['admin', 'supervisor'],
    summary: 'Opt a phone number out of SMS, or back in',
  },
  {
    method: 'POST',
    path: '/admin/quiet-hours',
    function: 'notifications-api',
    roles: ['admin'],
    summary: "Set a region's quiet hours for petitioner SMS",
  },
  {
    method: 'POST',
    path: '/admin/templates',
    function: 'notifications-api',
    roles: ['admin'],
    summary: 'Save an SMS template text for one locale; its parameters are checked',
  },
  {
    method: 'GET',
    path: '/admin/templates',
    function: 'notifications-api',
    roles: ['admin', 'supervisor'],
    summary: 'List SMS templates with their parameters and length in SMS parts',
  },
  {
    method: 'GET',
    path: '/notifications/{notificationId}',
    function: 'notifications-api',
    roles: ['supervisor', 'admin'],
    summary: 'Read a notification and its delivery log',
  },
  {
    method: 'GET',
    path: '/regions/{regionCode}/notifications/unknown',
    function: 'notifications-api',
    roles: ['supervisor', 'admin'],
    summary: "A region's SMS logged unknown: the provider was called, the outcome was not recorded",
  },
  {
    method: 'POST',
    path: '/notifications/{notificationId}/resolution',
    function: 'notifications-api',
    roles: ['supervisor', 'admin'],
    summary: 'Resolve an unknown SMS: sent (with the provider message id if known) or resend, audited',
  },
  {
    method: 'POST',
    path: '/sms/inbound',
    function: 'notifications-api',
    roles: [],
    auth: 'inbound-secret',
    summary: "An SMS provider's inbound message (退订 / TD / STOP opts the sender out)",
  },
] as const satisfies readonly RouteDesign[]

export type Route = (typeof routes)[number]

export const routesOf = (fn: FunctionName): RouteDesign[] => routes.filter((r) => r.function === fn)
