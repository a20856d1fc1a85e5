// People's sign-ins: the link from an identity provider's account (issuer, subject) to the directory's staff record,
// written with the record and an audit entry in one transaction. The caller of a request is resolved through it in
// callers.ts.
import {
  $set,
  ConditionCheck,
  DeleteTransaction,
  executeTransactWrite,
  GetItemCommand,
  PutTransaction,
  UpdateTransaction,
} from 'dynamodb-toolbox'
import type * as z from 'zod'
import { regionCovers } from '../access/rules/region-scope.ts'
import type { Actor, SignIn } from '../access/rules/roles.ts'
import { auditSubject, auditTransaction, isConditionRefusal } from '../platform/audit.ts'
import type { AppDeps } from '../platform/deps.ts'
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors.ts'
import type { signInInput } from './rules/schemas.ts'

const sameSignIn = (a: SignIn | undefined, b: SignIn) => a?.issuer === b.issuer && a.subject === b.subject

export interface LinkResult {
  officerId: string
  signIn: SignIn
  /** `linked` (new), `unchanged` (it was linked already: a retried request), or `replaced` (another sign-in was). */
  link: 'linked' | 'unchanged' | 'replaced'
}

/**
 * Links a sign-in to a staff record: the record keeps it, a SignInLink item finds the record from it, and an audit
 * entry says who linked what, all in one transaction. Linking the same sign-in again changes nothing; a sign-in
 * another record keeps is refused (a link whose record no longer keeps it is stale, and taken over); a record linked
 * to another sign-in is relinked (the old link is deleted, so the old account no longer acts for the person).
 */
export const linkSignIn = async (
  deps: Pick<AppDeps, 'store' | 'clock'>,
  actor: Actor,
  officerId: string,
  signIn: SignIn,
): Promise<LinkResult> => {
  const { store, clock } = deps
  const [{ Item: record }, { Item: taken }] = await Promise.all([
    store.Officer.build(GetItemCommand).key({ officerId }).options({ consistent: true }).send(),
    store.SignInLink.build(GetItemCommand).key(signIn).options({ consistent: true }).send(),
  ])
  if (!record) throw new NotFoundError(`officer ${officerId} not found`)
  // A link to another record stands only while that record keeps the sign-in; one it no longer keeps (left behind by
  // a relink or a replacement that raced with it) is taken over, on the condition that it still is stale.
  let staleOf: string | undefined
  if (taken && taken.officerId !== officerId) {
    const { Item: holder } = await store.Officer.build(GetItemCommand)
      .key({ officerId: taken.officerId })
      .options({ consistent: true })
      .send()
    if (holder && sameSignIn(holder.signIn, signIn)) {
      throw new ConflictError('this sign-in is linked to another person of the directory already')
    }
    staleOf = taken.officerId
  }
  const before = record.signIn
  if (sameSignIn(before, signIn) && taken && !staleOf) return { officerId, signIn, link: 'unchanged' }
  const now = clock.now()
  try {
    await executeTransactWrite(
      store.Officer.build(UpdateTransaction)
        .item({ officerId, signIn: $set({ issuer: signIn.issuer, subject: signIn.subject }) })
        .options({
          // The record as read, issuer and subject: a concurrent link or relink makes this one fail rather than
          // overwrite it (and leave the link it wrote behind).
          condition: before
            ? {
                and: [
                  { attr: 'signIn.issuer', eq: before.issuer },
                  { attr: 'signIn.subject', eq: before.subject },
                ],
              }
            : {
                and: [
                  { attr: 'officerId', exists: true },
                  { attr: 'signIn', exists: false },
                ],
              },
        }),
      store.SignInLink.build(PutTransaction)
        .item({ ...signIn, officerId, linkedAt: now.toISOString(), linkedBy: actor.id })
        .options({
          condition: staleOf
            ? { attr: 'officerId', eq: staleOf }
            : {
                or: [
                  { attr: 'officerId', exists: false },
                  { attr: 'officerId', eq: officerId },
                ],
              },
        }),
      ...(staleOf
        ? [
            store.Officer.build(ConditionCheck)
              .key({ officerId: staleOf })
              .condition({
                or: [
                  { attr: 'signIn', exists: false },
                  { attr: 'signIn.issuer', ne: signIn.issuer },
                  { attr: 'signIn.subject', ne: signIn.subject },
                ],
              }),
          ]
        : []),
      ...(before && !sameSignIn(before, signIn)
        ? [
            store.SignInLink.build(DeleteTransaction)
              .key(before)
              .options({
                condition: {
                  or: [
                    { attr: 'officerId', exists: false },
                    { attr: 'officerId', eq: officerId },
                  ],
                },
              }),
          ]
        : []),
      auditTransaction(store, {
        subject: auditSubject('officer', officerId),
        actor: actor.id,
        action: before ? 'officer.sign-in-replaced' : 'officer.sign-in-linked',
        regionCode: record.regionCode,
        at: now,
        before: { signIn: before ?? null },
        after: { signIn, ...(staleOf ? { staleLinkOf: staleOf } : {}) },
      }),
    )
  } catch (error) {
    if (isConditionRefusal(error)) {
      throw new ConflictError(`the sign-in of ${officerId} was changed meanwhile: try again`)
    }
    throw error
  }
  return { officerId, signIn, link: before && !sameSignIn(before, signIn) ? 'replaced' : 'linked' }
}

/**
 * `POST /admin/officers/{officerId}/sign-in`: an administrator creates a person's account with the sign-in service
 * (`email`: Cognito's AdminCreateUser, which mails a temporary password; the pool asks for a TOTP authenticator at
 * the first sign-in) or names one the identity provider has (`subject`), and links it to the person's record. In
 * local mode the answer carries a local token for the person.
 */
export const createSignIn = async (
  deps: AppDeps,
  actor: Actor,
  officerId: string,
  input: z.infer<typeof signInInput>,
) => {
  const { store, config } = deps
  const { Item: record } = await store.Officer.build(GetItemCommand).key({ officerId }).send()
  // Outside the administrator's scope the person is answered as one who does not exist.
  if (!record || !regionCovers(actor.regionCode, record.regionCode)) {
    throw new NotFoundError(`officer ${officerId} not found`)
  }
  if (!record.active) throw new ConflictError(`${officerId} has left: no sign-in is made for them`)
  let signIn: SignIn
  let account: 'created' | 'existed' | 'given'
  if (input.email !== undefined) {
    if (config.AFTERCARE_MODE === 'aws' && !config.USER_POOL_ID) {
      throw new ValidationError([
        {
          field: 'email',
          reason:
            'the identity provider is not Cognito (USER_POOL_ID is not set): create the account with the provider ' +
            'and send its subject instead',
        },
      ])
    }
    const made = await deps.signIns.createSignIn({
      username: officerId,
      email: input.email,
      name: record.name,
    })
    signIn = { issuer: made.issuer, subject: made.subject }
    account = made.existed ? 'existed' : 'created'
  } else {
    signIn = { issuer: config.TOKEN_ISSUER, subject: input.subject ?? '' }
    account = 'given'
  }
  const linked = await linkSignIn(deps, actor, officerId, signIn)
  const token =
    config.AFTERCARE_MODE === 'local'
      ? await (await import('./sign-in/local-tokens.ts')).signLocalIdToken(config.LOCAL_TOKEN_SECRET ?? '', {
          subject: signIn.subject,
          username: officerId,
          email: input.email,
          // Signed on wall time, not the deps' clock: the local server checks `exp` and `iat` as API Gateway does.
          lifetimeSeconds: config.TOKEN_MAX_LIFETIME_SECONDS,
        })
      : undefined
  return { ...linked, account, ...(token ? { token } : {}) }
}
