// Cadence policies: when return visits fall due after a trigger, and when the officer is reminded of each.
import * as z from 'zod'
import { strictObject } from '../../directory/rules/fields.ts'

export const visitTriggers = [
  'resolved',
  'mediated',
  'terminated',
  'stopped-visiting',
  'assistance-granted',
] as const
export const visitTriggerSchema = z.enum(visitTriggers)
export type VisitTrigger = z.infer<typeof visitTriggerSchema>

/**
 * The longest offsets a policy may name: a year of working days, two years of calendar days, a day of minutes. A
 * larger number is a typing slip (1,000,000 working days is a date in the year 5859), and one past 2^53 cannot be
 * counted at all.
 */
export const OFFSET_LIMITS = { workingDays: 250, calendarDays: 730, minutes: 1440 } as const
/** How far ahead of a visit its officer may be reminded: a month of working days, or a day of minutes. */
export const REMINDER_LIMITS = { workingDays: 20, minutes: 1440 } as const

const count = (min: 0 | 1, max: number, unit: string) =>
  z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max} (${unit})`)

/** An offset from the trigger. `minutes` exists for demonstrations and drills, not for office policy. */
export const offsetSchema = z.discriminatedUnion('unit', [
  strictObject({
    unit: z.literal('workingDays'),
    value: count(1, OFFSET_LIMITS.workingDays, 'working days, about a year'),
  }),
  strictObject({
    unit: z.literal('calendarDays'),
    value: count(1, OFFSET_LIMITS.calendarDays, 'calendar days, two years'),
  }),
  strictObject({ unit: z.literal('minutes'), value: count(1, OFFSET_LIMITS.minutes, 'minutes, one day') }),
])
export type Offset = z.infer<typeof offsetSchema>

/** A reminder before a visit's due day, at an office time, or a number of minutes before a minute-based visit. */
export const reminderRuleSchema = z.discriminatedUnion('unit', [
  strictObject({
    unit: z.literal('workingDays'),
    before: count(0, REMINDER_LIMITS.workingDays, 'working days before the due day, about a month'),
    at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm'),
  }),
  strictObject({
    unit: z.literal('minutes'),
    before: count(0, REMINDER_LIMITS.minutes, 'minutes before the visit, one day'),
  }),
])
export type ReminderRule = z.infer<typeof reminderRuleSchema>

/**
 * The items the planner writes for one event in its one transaction, which DynamoDB caps at 100: per visit the
 * visit, its reminders, its two ladder steps and up to three marks of years not loaded; then the officer's counter
 * and the audit entry.
 */
export const planningWrites = (visits: number, reminders: number) => visits * (1 + reminders + 2 + 3) + 2

export const cadencePolicySchema = strictObject({
  trigger: visitTriggerSchema,
  visits: z.array(offsetSchema).min(1).max(10),
  reminders: z.array(reminderRuleSchema).max(5),
}).superRefine((policy, ctx) => {
  const writes = planningWrites(policy.visits.length, policy.reminders.length)
  if (writes > 100) {
    ctx.addIssue({
      code: 'custom',
      path: ['visits'],
      message:
        `${policy.visits.length} visits with ${policy.reminders.length} reminders each make ${writes} writes to plan ` +
        'in one transaction, over its limit of 100: fewer visits or fewer reminders',
    })
  }
})
export type CadencePolicy = z.infer<typeof cadencePolicySchema>

const officeReminders: ReminderRule[] = [
  { unit: 'workingDays', before: 3, at: '09:00' },
  { unit: 'workingDays', before: 0, at: '09:00' },
]
const wd = (value: number): Offset => ({ unit: 'workingDays', value })
const cd = (value: number): Offset => ({ unit: 'calendarDays', value })

/** The defaults of the architecture (section 2, visits). */
export const defaultCadence: Record<VisitTrigger, CadencePolicy> = {
  resolved: { trigger: 'resolved', visits: [wd(7), cd(30), cd(90)], reminders: officeReminders },
  mediated: { trigger: 'mediated', visits: [wd(7), cd(30), cd(90)], reminders: officeReminders },
  terminated: { trigger: 'terminated', visits: [cd(30), cd(180)], reminders: officeReminders },
  'stopped-visiting': { trigger: 'stopped-visiting', visits: [wd(15)], reminders: officeReminders },
  'assistance-granted': {
    trigger: 'assistance-granted',
    visits: [cd(30), cd(90), cd(365)],
    reminders: officeReminders,
  },
}
