// The sign-in adapter of local mode and the tests: local subjects, and a local token for the person in the answer
// (the signer is here, not in the directory's action, so that no Lambda bundle carries it).
import { signLocalIdToken } from '../../directory/sign-in/local-tokens.ts'
import type { SignInPort } from '../../directory/sign-in/port.ts'
import type { Adapter } from '../deps.ts'
import { signIns } from './sign-ins.ts'

export const localOrCloudSignIns: Adapter<SignInPort> = (context) => {
  const { config } = context
  const port = signIns(context)
  if (config.AFTERCARE_MODE !== 'local') return port
  return {
    createSignIn: (person) => port.createSignIn(person),
    // Signed on wall time, not the deps' clock: the local server checks `exp` and `iat` as API Gateway does.
    tokenFor: ({ subject, username, email }) =>
      signLocalIdToken(config.LOCAL_TOKEN_SECRET ?? '', {
        subject,
        username,
        email,
        lifetimeSeconds: config.TOKEN_MAX_LIFETIME_SECONDS,
      }),
  }
}
