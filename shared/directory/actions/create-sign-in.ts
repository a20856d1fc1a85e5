// `POST /admin/officers/{officerId}/sign-in`: an administrator creates a person's account with the sign-in service
// (`email`: Cognito's AdminCreateUser, which mails a temporary password; the pool asks for a TOTP authenticator at
// the first sign-in) or names one the identity provider has (`subject`), and links it to the person's record. In
// local mode the answer carries a local token for the person.
import type * as z from 'zod'
import { regionCovers } from '../../access/rules/region-scope.ts'
import type { Actor, SignIn } from '../../access/rules/roles.ts'
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { SignInDeps } from '../ports.ts'
import type { signInInput } from '../rules/schemas.ts'
import { officerById } from '../store.ts'
import { linkSignIn } from './link-sign-in.ts'

export const createSignIn = async (
  deps: SignInDeps,
  actor: Actor,
  officerId: string,
  input: z.infer<typeof signInInput>,
) => {
  const { store, config } = deps
  const record = await officerById(store, officerId)
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
  // Local mode's sign-in service answers with a token for the person; Cognito mails a temporary password instead.
  const token = await deps.signIns.tokenFor?.({
    subject: signIn.subject,
    username: officerId,
    email: input.email,
  })
  return { ...linked, account, ...(token ? { token } : {}) }
}
