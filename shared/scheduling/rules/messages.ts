// Queue messages between the timer consumer and the dispatcher.
import * as z from 'zod'

export const timerMessageSchema = z.object({ timerId: z.string().min(1), dueAt: z.iso.datetime() })
export type TimerMessage = z.infer<typeof timerMessageSchema>

/**
 * `delivery` tells a deliberate requeue (a retry, the end of quiet hours) from a duplicate of the same message:
 * the dispatcher's idempotency key is the pair.
 */
export const notificationMessageSchema = z.object({
  notificationId: z.string().min(1),
  delivery: z.string().min(1),
})
export type NotificationMessage = z.infer<typeof notificationMessageSchema>
