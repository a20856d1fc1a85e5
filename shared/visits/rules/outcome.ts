// The outcome form of a return visit, as the officer fills it in, and what it leads to.
import * as z from 'zod'
import { strictObject } from '../../directory/rules/fields.ts'
import { ConflictError } from '../../platform/errors.ts'

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

/** Done on or before its due day (Asia/Shanghai business dates): on time; the ledger records a late one. */
export const completedOnTime = (completedOn: string, dueDate: string) => completedOn <= dueDate

/** An attempt that did not reach the petitioner, as kept on the visit (its private text sealed apart). */
export interface Attempt {
  at: string
  method: string
  reason: string
  by: string
  submissionId?: string
  privateCipher?: string
}

export const attemptOf = (
  outcome: Outcome,
  by: string,
  at: Date,
  privateCipher: string | undefined,
): Attempt => ({
  at: at.toISOString(),
  method: outcome.method,
  reason: outcome.notReachedReason ?? 'other',
  by,
  ...(outcome.submissionId ? { submissionId: outcome.submissionId } : {}),
  ...(privateCipher ? { privateCipher } : {}),
})

/**
 * The index of the attempt kept under the form's `submissionId`, or -1. The same key on another form is refused:
 * a key names one form.
 */
export const keptAttempt = (unreached: readonly Omit<Attempt, 'at' | 'by'>[], outcome: Outcome) => {
  if (!outcome.submissionId) return -1
  const i = unreached.findIndex((a) => a.submissionId === outcome.submissionId)
  const a = unreached[i]
  if (!a) return -1
  if (outcome.reached || a.method !== outcome.method || a.reason !== (outcome.notReachedReason ?? 'other')) {
    throw new ConflictError(`submissionId ${outcome.submissionId} was sent before with another form`)
  }
  return i
}
