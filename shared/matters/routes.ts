// The matters' routes: registering a matter, reading it, and recording what happened to it.
import * as z from 'zod'
import { defineRoute, reply } from '../platform/http/route.ts'
import { getCase } from './actions/get-matter.ts'
import { recordCaseEvent } from './actions/record-matter-event.ts'
import { registerCase } from './actions/register-matter.ts'
import { caseEventTypeSchema } from './rules/events.ts'
import { caseEventInput, registerCaseInput } from './rules/schemas.ts'
import { caseStatuses } from './rules/status.ts'

const staff = ['officer', 'supervisor', 'committee', 'admin'] as const

const matterView = z.object({
  caseId: z.string(),
  petitionerId: z.string(),
  category: z.string(),
  summary: z.string(),
  regionCode: z.string(),
  unitId: z.string(),
  status: z.enum(caseStatuses),
  openedAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
})

const eventView = z.object({
  caseId: z.string(),
  eventId: z.string(),
  type: caseEventTypeSchema,
  occurredAt: z.string(),
  recordedAt: z.string(),
  recordedBy: z.string(),
  note: z.string().optional(),
})

export const matterRoutes = [
  defineRoute({
    method: 'POST',
    path: '/cases',
    function: 'cases-api',
    roles: ['officer', 'supervisor', 'admin'],
    summary: 'Register a matter',
    body: registerCaseInput,
    response: matterView,
    success: [201],
    conflict: true,
    run: async ({ deps, actor, body }) => reply(201, await registerCase(deps, actor, body)),
  }),
  defineRoute({
    method: 'GET',
    path: '/cases/{caseId}',
    function: 'cases-api',
    roles: staff,
    summary: 'Read a matter and its events',
    response: matterView.extend({ events: z.array(eventView) }),
    run: ({ deps, actor, params }) => getCase(deps, actor, params.caseId),
  }),
  defineRoute({
    method: 'POST',
    path: '/cases/{caseId}/events',
    function: 'cases-api',
    roles: ['officer', 'supervisor'],
    summary: 'Record what happened to a matter (resolved, mediated, terminated, stopped visiting)',
    body: caseEventInput,
    response: eventView,
    success: [201, 200],
    conflict: true,
    run: async ({ deps, actor, params, body }) => {
      const { event, replayed } = await recordCaseEvent(deps, actor, params.caseId, body)
      return reply(replayed ? 200 : 201, event)
    },
  }),
] as const
