// The outcome form of a return visit, as the officer fills it in, and what it leads to.
import * as z from 'zod'
import { strictObject } from '../../directory/rules/fields.ts'

const text = (max: number) => z.string().trim().min(1).max(max)

export const outcomeInput = strictObject({
  reached: z.boolean(),
  /** Why the petitioner was not reached: required when not reached. */
  notReachedReason: z
    .enum(['not-at-home', 'phone-unanswered', 'moved', 'refused', 'deceased', 'other'])
    .optional(),
  method: z.enum(['home-visit', 'phone', 'office', 'video']),
  satisfaction: z.enum(['satisfied', 'basically-satisfied', 'dissatisfied']).optional(),
  problemsFound: z.array(text(500)).max(20).default([]),
  handlingDeficiencies: z.array(text(500)).max(20).default([]),
  newDemands: z.array(text(500)).max(20).default([]),
  /** Risk of a repeat or leapfrog petition (重复访、越级访). */
  repeatPetitionRisk: z.enum(['low', 'medium', 'high']).optional(),
  hardship: z
    .object({ observed: z.literal(true), reason: text(1000) })
    .optional()
    .describe('hardship observed: nominates the petitioner for the annual screening, with the reason'),
  notes: z.string().max(4000).optional(),
  /** The client's idempotency key: a form sent again with the same key is recorded once. */
  submissionId: z.string().trim().min(8).max(100).optional(),
}).superRefine((o, ctx) => {
  if (!o.reached && !o.notReachedReason) {
    ctx.addIssue({
      code: 'custom',
      path: ['notReachedReason'],
      message: 'is required when the petitioner was not reached',
    })
  }
  if (o.reached && !o.satisfaction) {
    ctx.addIssue({
      code: 'custom',
      path: ['satisfaction'],
      message: 'is required when the petitioner was reached',
    })
  }
  if (o.reached && !o.repeatPetitionRisk) {
    ctx.addIssue({
      code: 'custom',
      path: ['repeatPetitionRisk'],
      message: 'is required when the petitioner was reached',
    })
  }
  if (!o.reached && o.satisfaction) {
    ctx.addIssue({
      code: 'custom',
      path: ['satisfaction'],
      message: 'cannot be given when the petitioner was not reached',
    })
  }
})
export type Outcome = z.infer<typeof outcomeInput>

/** Not reached this many times: the supervisor is told. */
export const NOT_REACHED_LIMIT = 3
/** A dissatisfied petitioner or a high risk: an extra visit within this many working days. */
export const EXTRA_VISIT_WORKING_DAYS = 5

export interface OutcomeConsequences {
  completes: boolean
  extraVisit: boolean
  flags: Array<'dissatisfied' | 'high-risk' | 'not-reached'>
  nominateForScreening: boolean
}

/** What an outcome leads to, given how many times the petitioner was not reached before. */
export const consequencesOf = (outcome: Outcome, notReachedBefore: number): OutcomeConsequences => {
  const flags: OutcomeConsequences['flags'] = []
  if (outcome.reached && outcome.satisfaction === 'dissatisfied') flags.push('dissatisfied')
  if (outcome.reached && outcome.repeatPetitionRisk === 'high') flags.push('high-risk')
  if (!outcome.reached && notReachedBefore + 1 >= NOT_REACHED_LIMIT) flags.push('not-reached')
  return {
    completes: outcome.reached,
    extraVisit: flags.includes('dissatisfied') || flags.includes('high-risk'),
    flags,
    nominateForScreening: outcome.hardship?.observed === true,
  }
}

/**
 * The stop rule: after two consecutive satisfied visits the supervisor may close the remaining planned ones. A
 * visit that found a high risk of a repeat petition does not count as settled, however satisfied the petitioner.
 */
export const mayCloseRemaining = (
  completedInOrder: Array<{ satisfaction?: string; repeatPetitionRisk?: string }>,
): boolean => {
  const lastTwo = completedInOrder.slice(-2)
  return (
    lastTwo.length === 2 &&
    lastTwo.every((v) => v.satisfaction === 'satisfied' && v.repeatPetitionRisk !== 'high')
  )
}
