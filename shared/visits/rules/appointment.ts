// An appointment with the petitioner, and the SMS that tells them of it.
import { ValidationError } from '../../platform/errors.ts'
import { appointmentSmsId } from './ids.ts'

/**
 * The same time again (a retry): the visit is not changed, and the SMS already queued for it is not sent twice.
 * Another time, even one set before (A, then B, then A again), is a new appointment with an SMS of its own.
 */
export const appointmentOf = (
  visit: { visitId: string; version: number; appointmentAt?: string; appointmentNotificationId?: string },
  at: Date,
  now: Date,
) => {
  if (at <= now) throw new ValidationError([{ field: 'at', reason: 'must be in the future' }])
  const again = visit.appointmentAt === at.toISOString()
  const notificationId = again
    ? (visit.appointmentNotificationId ?? appointmentSmsId(visit.visitId, visit.version))
    : appointmentSmsId(visit.visitId, visit.version + 1)
  return { again, notificationId }
}

/** An instant as the petitioner reads it in the SMS: `3月5日 09:30`, Asia/Shanghai. */
export const shanghaiTime = (at: Date) => {
  const local = new Date(at.getTime() + 8 * 3600_000)
  return `${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`
}
