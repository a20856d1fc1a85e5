// The calendar's routes: a year's holiday arrangement, and what administrators must act on.
import * as z from 'zod'
import { defineRoute } from '../platform/http/route.ts'
import { nextCursorField, pageOf, pageQuery } from '../platform/pages.ts'
import { listWarnings } from './actions/list-warnings.ts'
import { loadCalendarYear } from './actions/load-calendar-year.ts'
import { calendarYearInput } from './rules/calendar-year.ts'
import { warningAnswer } from './rules/views.ts'

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
    summary: 'What administrators must act on (a holiday arrangement to load, …), by key, a page at a time',
    query: pageQuery,
    response: z.object({
      warnings: z.array(
        z.object({
          key: z.string().describe('what the warning is raised once under'),
          kind: z.string(),
          message: z.string(),
          national: z.boolean().optional(),
          raisedAt: z.string(),
          regionCode: z.string().optional(),
        }),
      ),
      nextCursor: nextCursorField,
    }),
    run: async ({ deps, actor, query }) => {
      // The caller's scope is in the listing: a page cursor of a county's warnings resumes no one else's.
      const visible = (await listWarnings(deps, actor)).map(warningAnswer)
      const page = pageOf(deps, `warnings/${actor.regionCode}`, visible, (w) => w.key, query)
      return { warnings: page.items, nextCursor: page.nextCursor }
    },
  }),
] as const
