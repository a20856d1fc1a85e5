// A year's holiday arrangement as an administrator loads it: checked before it changes any deadline.
import * as z from 'zod'
import { strictObject } from '../../directory/rules/fields.ts'
import { dayOfWeek } from './business-time.ts'

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  // 2027-02-30 or 2027-13-01 is no date: refused, never thrown (an Invalid Date has no ISO string).
  .refine((d) => {
    const at = new Date(`${d}T00:00:00Z`)
    return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(d)
  }, 'is not a calendar date')

export const calendarYearInput = strictObject({
  year: z.string().regex(/^20\d{2}$/, 'must be a year such as 2027'),
  source: z.string().min(1).max(300),
  off: z.array(isoDate).max(60),
  work: z.array(isoDate).max(20),
}).superRefine((c, ctx) => {
  const check = (list: 'off' | 'work') =>
    c[list].forEach((date, i) => {
      if (!date.startsWith(`${c.year}-`)) {
        ctx.addIssue({ code: 'custom', path: [list, i], message: `${date} is not in ${c.year}` })
      }
    })
  check('off')
  check('work')
  c.work.forEach((date, i) => {
    if (!isoDate.safeParse(date).success) return // named already: no date, no weekday
    const dow = dayOfWeek(date)
    if (dow !== 0 && dow !== 6) {
      ctx.addIssue({
        code: 'custom',
        path: ['work', i],
        message: `${date} is a weekday: only weekend days are made working days`,
      })
    }
    if (c.off.includes(date)) {
      ctx.addIssue({ code: 'custom', path: ['work', i], message: `${date} is listed both off and work` })
    }
  })
  for (const list of ['off', 'work'] as const) {
    const seen = new Set<string>()
    c[list].forEach((date, i) => {
      if (seen.has(date))
        ctx.addIssue({ code: 'custom', path: [list, i], message: `${date} is listed twice` })
      seen.add(date)
    })
  }
})
export type CalendarYearInput = z.infer<typeof calendarYearInput>
