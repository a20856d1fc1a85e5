// Quiet hours: petitioners get no non-urgent SMS at night (Asia/Shanghai); a held SMS waits for the next allowed
// minute. Officers' operational reminders are not held.
import * as z from 'zod'
import { addDays, businessDateOf, shanghaiInstant } from '../../calendar/rules/business-time.ts'

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm')

export const quietHoursSchema = z
  .object({ start: hhmm, end: hhmm })
  .refine((q) => q.start !== q.end, { message: 'start and end must differ', path: ['end'] })
export type QuietHours = z.infer<typeof quietHoursSchema>

/** The default of the architecture: 21:00–08:00. */
export const defaultQuietHours: QuietHours = { start: '21:00', end: '08:00' }

const minutesOfDay = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5))

const shanghaiMinuteOfDay = (instant: Date) => {
  const local = new Date(instant.getTime() + 8 * 3600_000)
  return local.getUTCHours() * 60 + local.getUTCMinutes()
}

export const isQuiet = (instant: Date, quiet: QuietHours): boolean => {
  const m = shanghaiMinuteOfDay(instant)
  const start = minutesOfDay(quiet.start)
  const end = minutesOfDay(quiet.end)
  return start < end ? m >= start && m < end : m >= start || m < end
}

/** The first instant at or after `instant` outside the quiet hours. */
export const nextAllowedInstant = (instant: Date, quiet: QuietHours): Date => {
  if (!isQuiet(instant, quiet)) return instant
  const today = businessDateOf(instant)
  const endToday = shanghaiInstant(today, quiet.end)
  return endToday > instant ? endToday : shanghaiInstant(addDays(today, 1), quiet.end)
}
