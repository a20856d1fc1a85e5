// Case events: what happened to a matter, and the message announcing it on the events topic.
import * as z from 'zod'
import { isRegionCode } from '../../access/rules/region-scope.ts'

export const caseEventTypes = ['resolved', 'mediated', 'terminated', 'stopped-visiting'] as const
export const caseEventTypeSchema = z.enum(caseEventTypes)
export type CaseEventType = z.infer<typeof caseEventTypeSchema>

export const caseStatuses = ['handling', 'resolved', 'mediated', 'terminated'] as const
export type CaseStatus = (typeof caseStatuses)[number]

/** The status a matter moves to; `stopped-visiting` is about the petitioner and leaves the status as it is. */
export const statusAfter = (current: CaseStatus, event: CaseEventType): CaseStatus | 'refused' => {
  if (event === 'stopped-visiting') return current
  return current === 'handling' ? event : 'refused'
}

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant' })

export const caseEventMessageSchema = z.object({
  eventId: z.string().min(1),
  type: caseEventTypeSchema,
  caseId: z.string().min(1),
  petitionerId: z.string().min(1),
  regionCode: z.string().refine(isRegionCode, 'must be a division code'),
  unitId: z.string().min(1),
  occurredAt: instant,
})
export type CaseEventMessage = z.infer<typeof caseEventMessageSchema>

/**
 * A client's `eventId` is unique only within its matter: two matters may both record `resolved`. Everything named
 * after an event (its outbox item, visits, timers, notifications) is named after the matter and the event, joined
 * by a `.` that the id grammar (shared/platform/id.ts) forbids in either, so no two pairs make one key.
 */
export const eventKeyOf = (event: { caseId: string; eventId: string }) => `${event.caseId}.${event.eventId}`
