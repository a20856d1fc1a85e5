// Matter events: what happened to a matter, and the message announcing it on the events topic.
import * as z from 'zod'
import { isRegionCode } from '../../access/rules/region-scope.ts'

export const matterEventTypes = ['resolved', 'mediated', 'terminated', 'stopped-visiting'] as const
export const matterEventTypeSchema = z.enum(matterEventTypes)
export type MatterEventType = z.infer<typeof matterEventTypeSchema>

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant' })

export const matterEventMessageSchema = z.object({
  eventId: z.string().min(1),
  type: matterEventTypeSchema,
  matterId: z.string().min(1),
  petitionerId: z.string().min(1),
  regionCode: z.string().refine(isRegionCode, 'must be a division code'),
  unitId: z.string().min(1),
  occurredAt: instant,
})
export type MatterEventMessage = z.infer<typeof matterEventMessageSchema>

/**
 * A client's `eventId` is unique only within its matter: two matters may both record `resolved`. Everything named
 * after an event (its outbox item, visits, timers, notifications) is named after the matter and the event, joined
 * by a `.` that the id grammar (shared/platform/id.ts) forbids in either, so no two pairs make one key.
 */
export const eventKeyOf = (event: { matterId: string; eventId: string }) =>
  `${event.matterId}.${event.eventId}`

/** The message announcing an event recorded on a matter: what the planner and the other contexts hear of it. */
export const matterEventMessageOf = (
  matter: { matterId: string; petitionerId: string; regionCode: string; unitId: string },
  event: { eventId: string; type: MatterEventType; occurredAt: string },
): MatterEventMessage => ({
  eventId: event.eventId,
  type: event.type,
  matterId: matter.matterId,
  petitionerId: matter.petitionerId,
  regionCode: matter.regionCode,
  unitId: matter.unitId,
  occurredAt: event.occurredAt,
})

/** When an event happened: the instant given, or now; never in the future. */
export const occurredAtOf = (given: string | undefined, now: Date): Date | 'in the future' => {
  const occurredAt = given ? new Date(given) : now
  return occurredAt > now ? 'in the future' : occurredAt
}
