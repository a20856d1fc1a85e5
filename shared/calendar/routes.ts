// The calendar's routes: a year's holiday arrangement, and what administrators must act on.
import * as z from 'zod'
import { defineRoute } from '../platform/http/route.ts'
import { listWarnings } from './actions/list-warnings.ts'
import { loadCalendarYear } from './actions/load-calendar-year.ts'
import { calendarYearInput } from './rules/calendar-year.ts'

export const calendarRoutes = [
  defineRoute({
    method: 'POST',
    path: '/admin/calendar-years',
    function: 'directory-api',
    roles: ['admin'],
    summary: "Load a year's holiday arrangement; provisional visits of that year are recomputed",
    body: calendarYearInput,
    response: z.object({
      year: z.string(),
      recomputed: z.number().int().describe('provisional visits of the year counted again'),
      moved: z.number().int().describe('of those, the visits whose due date changed'),
    }),
    conflict: true,
    run: ({ deps, actor, body }) => loadCalendarYear(deps, actor, body),
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/warnings',
    function: 'directory-api',
    roles: ['admin', 'supervisor'],
    summary: 'What administrators must act on (a holiday arrangement to load, …)',
    response: z.array(
      z.object({
        key: z.string(),
        kind: z.string(),
        message: z.string(),
        national: z.boolean().optional(),
        raisedAt: z.string(),
        regionCode: z.string().optional(),
      }),
    ),
    run: ({ deps, actor }) => listWarnings(deps, actor),
  }),
] as const
