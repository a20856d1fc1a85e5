// Every route of the HTTP API, from each context's declarations: for what needs them all (the CDK routes, the local
// server, docs/openapi.json and the route index, the typed client's types, the tests). A function's bundle must not
// import this list: it would carry every action. Its router takes its own declarations and answers 404 and 405 from
// the route index (route-index.json), which `npm run openapi` writes from this list.
import { calendarRoutes } from '../../calendar/routes.ts'
import { cadencePolicyRoutes, directoryRoutes } from '../../directory/routes.ts'
import { matterRoutes } from '../../matters/routes.ts'
import { notificationRoutes } from '../../notifications/routes.ts'
import { visitRoutes } from '../../visits/routes.ts'
import type { AnyRoute } from './route.ts'

export const routes = [
  ...directoryRoutes,
  ...calendarRoutes,
  ...cadencePolicyRoutes,
  ...matterRoutes,
  ...visitRoutes,
  ...notificationRoutes,
] as const

export type Route = (typeof routes)[number]
/** A route of any schema, as the CDK stack, the local server and the tests walk them. */
export type RouteDesign = AnyRoute

/** The method, path and function of each route: what the route index keeps. */
export const routeIndexOf = (list: readonly AnyRoute[]) =>
  list.map(({ method, path, function: fn }) => ({ method, path, function: fn }))
