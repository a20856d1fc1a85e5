// Links a sign-in to a staff record: the record keeps it, a SignInLink item finds the record from it, and an audit
// entry says who linked what, all in one transaction (shared/directory/store.ts). Linking the same sign-in again
// changes nothing; a sign-in another record keeps is refused (a link whose record no longer keeps it is stale, and
// taken over); a record linked to another sign-in is relinked (the old link is deleted, so the old account no longer
// acts for the person).
import { type Actor, type SignIn, sameSignIn } from '../../access/rules/roles.ts'
import { auditSubject, isConditionRefusal } from '../../platform/audit.ts'
import { ConflictError, NotFoundError } from '../../platform/errors.ts'
import type { SignInLinkDeps } from '../ports.ts'
import { officerById, saveSignInLink, signInLink } from '../store.ts'

export interface LinkResult {
  officerId: string
  signIn: SignIn
  /** `linked` (new), `unchanged` (it was linked already: a retried request), or `replaced` (another sign-in was). */
  link: 'linked' | 'unchanged' | 'replaced'
}

export const linkSignIn = async (
  deps: SignInLinkDeps,
  actor: Actor,
  officerId: string,
  signIn: SignIn,
): Promise<LinkResult> => {
  const { store, clock } = deps
  const [record, taken] = await Promise.all([
    officerById(store, officerId, { consistent: true }),
    signInLink(store, signIn.issuer, signIn.subject, { consistent: true }),
  ])
  if (!record) throw new NotFoundError(`officer ${officerId} not found`)
  // A link to another record stands only while that record keeps the sign-in; one it no longer keeps (left behind by
  // a relink or a replacement that raced with it) is taken over, on the condition that it still is stale.
  let staleOf: string | undefined
  if (taken && taken.officerId !== officerId) {
    const holder = await officerById(store, taken.officerId, { consistent: true })
    if (holder && sameSignIn(holder.signIn, signIn)) {
      throw new ConflictError('this sign-in is linked to another person of the directory already')
    }
    staleOf = taken.officerId
  }
  const before = record.signIn
  if (sameSignIn(before, signIn) && taken && !staleOf) return { officerId, signIn, link: 'unchanged' }
  const now = clock.now()
  try {
    await saveSignInLink(
      store,
      { officerId, signIn, before, staleOf, linkedAt: now.toISOString(), linkedBy: actor.id },
      {
        subject: auditSubject('officer', officerId),
        actor: actor.id,
        action: before ? 'officer.sign-in-replaced' : 'officer.sign-in-linked',
        regionCode: record.regionCode,
        at: now,
        before: { signIn: before ?? null },
        after: { signIn, ...(staleOf ? { staleLinkOf: staleOf } : {}) },
      },
    )
  } catch (error) {
    if (isConditionRefusal(error)) {
      throw new ConflictError(`the sign-in of ${officerId} was changed meanwhile: try again`)
    }
    throw error
  }
  return { officerId, signIn, link: before && !sameSignIn(before, signIn) ? 'replaced' : 'linked' }
}
