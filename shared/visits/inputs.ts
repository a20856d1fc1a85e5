// The forms of the visit actions, checked at the edge: each change that a person makes says why.
import * as z from 'zod'
import { strictObject } from '../directory/rules/fields.ts'
import { idSchema } from '../platform/id.ts'

export const reason = z.string().trim().min(2, 'must say why (at least 2 characters)').max(1000)
export const businessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')

export const reassignInput = strictObject({ officerId: idSchema, reason })
export const cancelInput = strictObject({ reason })
export const rescheduleInput = strictObject({ dueDate: businessDate, reason })
export const appointmentInput = strictObject({
  at: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant' }),
  note: z.string().max(500).optional(),
})
export const leaveInput = strictObject({ reason })
export const closeRemainingInput = strictObject({ triggerEventId: idSchema, reason })
