// Matters and their events as an office submits them.
import * as z from 'zod'
import { strictObject } from '../../directory/rules/fields.ts'
import { idSchema } from '../../platform/id.ts'
import { matterEventTypeSchema } from './events.ts'

export const registerMatterInput = strictObject({
  matterId: idSchema,
  petitionerId: idSchema,
  category: z.string().min(1).max(50),
  summary: z.string().min(1).max(2000),
})

export const matterEventInput = strictObject({
  type: matterEventTypeSchema,
  /** When it happened; defaults to now. */
  occurredAt: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant' }).optional(),
  /** A client's idempotency key: the same id twice records the event once. */
  eventId: idSchema.optional(),
  note: z.string().max(2000).optional(),
})
