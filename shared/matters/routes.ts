// The matters' routes: registering a matter, reading it, and recording what happened to it.
import * as z from 'zod'
import { defineRoute, reply } from '../platform/http/route.ts'
import { getMatter } from './actions/get-matter.ts'
import { recordMatterEvent } from './actions/record-matter-event.ts'
import { registerMatter } from './actions/register-matter.ts'
import { matterEventTypeSchema } from './rules/events.ts'
import { matterEventInput, registerMatterInput } from './rules/schemas.ts'
import { matterStatuses } from './rules/status.ts'
import { matterAnswer, matterEventAnswer, matterWithEventsAnswer } from './rules/views.ts'

const staff = ['officer', 'supervisor', 'committee', 'admin'] as const

/** A matter as callers see it: not the record's version (rules/views.ts). */
const matterView = z.object({
  matterId: z.string(),
  petitionerId: z.string(),
  category: z.string(),
  summary: z.string(),
  regionCode: z.string(),
  unitId: z.string(),
  status: z.enum(matterStatuses),
  openedAt: z.string(),
  updatedAt: z.string(),
})

const eventView = z.object({
  matterId: z.string(),
  eventId: z.string(),
  type: matterEventTypeSchema,
  occurredAt: z.string(),
  recordedAt: z.string(),
  recordedBy: z.string(),
  note: z.string().optional(),
})

export const matterRoutes = [
  defineRoute({
    method: 'POST',
    path: '/matters',
    function: 'matters-api',
    roles: ['officer', 'supervisor', 'admin'],
    summary: 'Register a matter',
    body: registerMatterInput,
    response: matterView,
    success: [201],
    conflict: true,
    run: async ({ deps, actor, body }) => reply(201, matterAnswer(await registerMatter(deps, actor, body))),
  }),
  defineRoute({
    method: 'GET',
    path: '/matters/{matterId}',
    function: 'matters-api',
    roles: staff,
    summary: 'Read a matter and its events',
    response: matterView.extend({ events: z.array(eventView) }),
    run: async ({ deps, actor, params }) =>
      matterWithEventsAnswer(await getMatter(deps, actor, params.matterId)),
  }),
  defineRoute({
    method: 'POST',
    path: '/matters/{matterId}/events',
    function: 'matters-api',
    roles: ['officer', 'supervisor'],
    summary: 'Record what happened to a matter (resolved, mediated, terminated, stopped visiting)',
    body: matterEventInput,
    response: eventView,
    success: [201, 200],
    conflict: true,
    run: async ({ deps, actor, params, body }) => {
      const { event, replayed } = await recordMatterEvent(deps, actor, params.matterId, body)
      return reply(replayed ? 200 : 201, matterEventAnswer(event))
    },
  }),
] as const
