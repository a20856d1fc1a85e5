// Cadence policies: when return visits fall due after a trigger, and when the officer is reminded of each.
import * as z from 'zod'

export const visitTriggers = [
  'resolved',
  'mediated',
  'terminated',
  'stopped-visiting',
  'assistance-granted',
] as const
export const visitTriggerSchema = z.enum(visitTriggers)
export type VisitTrigger = z.infer<typeof visitTriggerSchema>

/** An offset from the trigger. `minutes` exists for demonstrations and drills, not for office policy. */
export const offsetSchema = z.discriminatedUnion('unit', [
  z.object({ unit: z.literal('workingDays'), value: z.number().int().positive() }),
  z.object({ unit: z.literal('calendarDays'), value: z.number().int().positive() }),
  z.object({ unit: z.literal('minutes'), value: z.number().int().positive() }),
])
export type Offset = z.infer<typeof offsetSchema>

/** A reminder before a visit's due day, at an office time, or a number of minutes before a minute-based visit. */
export const reminderRuleSchema = z.discriminatedUnion('unit', [
  z.object({
    unit: z.literal('workingDays'),
    before: z.number().int().nonnegative(),
    at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm'),
  }),
  z.object({ unit: z.literal('minutes'), before: z.number().int().nonnegative() }),
])
export type ReminderRule = z.infer<typeof reminderRuleSchema>

export const cadencePolicySchema = z.object({
  trigger: visitTriggerSchema,
  visits: z.array(offsetSchema).min(1).max(10),
  reminders: z.array(reminderRuleSchema).max(5),
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
