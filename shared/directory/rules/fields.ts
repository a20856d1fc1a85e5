// Fields of request bodies that several schemas share: objects that refuse what they do not know, and people's and
// units' names. Zod only: the planner bundles this with the cadence policies.
import * as z from 'zod'

/**
 * An object that refuses an unknown field with a 400 naming it, rather than dropping it silently: a field misspelt
 * (`acitve`) or one the route does not take (`openVisits`) would otherwise be "accepted" and do nothing.
 */
export const strictObject = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: ` +
          `the fields are ${Object.keys(shape).join(', ')}`
        : undefined,
  })

/** C0 and C1 controls (tab, CR, LF, NUL, DEL, …). */
const CONTROL = /\p{Cc}/u
/** Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder what is shown. */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u
/** Half of a UTF-16 surrogate pair without its other half: no character at all. */
const LONE_SURROGATE = /\p{Cs}/u

/**
 * What a name must not hold, or undefined: names are printed on SMS, the board, the CSV report and the audit trail,
 * where a control character breaks a line or a cell and a bidirectional override shows a name other than the one
 * stored.
 */
export const nameProblem = (value: string): string | undefined => {
  if (LONE_SURROGATE.test(value)) return 'must not contain a lone surrogate (half of a UTF-16 pair)'
  if (CONTROL.test(value)) return 'must not contain control characters (tab, line breaks, NUL, …)'
  if (BIDI_CONTROL.test(value)) {
    return 'must not contain bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069)'
  }
  if (value.trim() === '') return 'must not be blank'
  return undefined
}

/** A person's or a unit's name: 1 to `max` characters, printable, not blank. */
export const nameSchema = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .superRefine((value, ctx) => {
      const problem = nameProblem(value)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    })
