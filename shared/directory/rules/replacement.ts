// What a replacement (PUT) of a directory record takes from its body and what it keeps of the record.
import { idSchema } from '../../platform/id.ts'

/**
 * Why the id of a replacement is wrong, or undefined: it is the path's, which the body may repeat but not
 * contradict.
 */
export const sameIdProblem = (path: string, body: string | undefined): string | undefined =>
  idSchema.safeParse(path).success
    ? body !== undefined && body !== path
      ? `is ${path} in the path and ${body} in the body: they must be the same`
      : undefined
    : 'must be 1-64 letters, digits, - or _, starting with a letter or digit'

type Duty = 'officer' | 'supervisor' | 'committee' | 'admin'

/**
 * What a staff record keeps unless the body gives it: its duty, its locale and whether it is active (so that a
 * replacement never reactivates a person who has left, nor changes a duty, by leaving a field out). `stopsOfficer`:
 * an active officer who would no longer be one, who must have no visit open (only active officers are assigned
 * visits).
 */
export const officerKept = (
  before: { duty: Duty; active: boolean; locale: string },
  body: { duty?: Duty; active?: boolean; locale?: string },
) => {
  const duty = body.duty ?? before.duty
  const active = body.active ?? before.active
  return {
    locale: body.locale ?? before.locale,
    duty,
    active,
    stopsOfficer: before.duty === 'officer' && (duty !== 'officer' || !active),
  }
}

/** What a petitioner keeps unless the body gives it: the locale. */
export const petitionerKept = (before: { locale: string }, body: { locale?: string }) => ({
  locale: body.locale ?? before.locale,
})
