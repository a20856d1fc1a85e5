// The sign-in adapter: Cognito user pool accounts on AWS (the client made on first use), local subjects locally.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider'
import { CognitoSignIn } from '../../directory/sign-in/cognito-sign-in.ts'
import { LocalSignIn } from '../../directory/sign-in/local-sign-in.ts'
import type { SignInPort } from '../../directory/sign-in/port.ts'
import type { Adapter } from '../deps.ts'
import { lazy } from './lazy.ts'

export const signIns: Adapter<SignInPort> = ({ config, region, recorded }) => {
  const poolId = config.USER_POOL_ID
  if (config.AFTERCARE_MODE === 'local') return new LocalSignIn(config.TOKEN_ISSUER)
  if (poolId) {
    return new CognitoSignIn(
      lazy(() => recorded(new CognitoIdentityProviderClient({ region }))),
      poolId,
      config.TOKEN_ISSUER,
    )
  }
  return {
    createSignIn: () =>
      Promise.reject(
        new Error(
          'USER_POOL_ID is not set: the identity provider is not Cognito; create the account there and link its subject',
        ),
      ),
  }
}
