// The sign-in port on a Cognito user pool: AdminCreateUser (Cognito e-mails a temporary password; the user sets a
// new one and registers a TOTP authenticator at the first sign-in, since the pool requires MFA).
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider'
import type { CreatedSignIn, NewSignIn, SignInPort } from '../../ports/sign-in.ts'

const subOf = (attributes: AttributeType[] | undefined, username: string): string => {
  const sub = attributes?.find((a) => a.Name === 'sub')?.Value
  if (!sub) throw new Error(`Cognito returned no sub for ${username}`)
  return sub
}

export class CognitoSignIn implements SignInPort {
  constructor(
    private readonly cognito: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
    /** `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`: the `iss` of the pool's tokens. */
    private readonly issuer: string,
  ) {}

  async createSignIn(person: NewSignIn): Promise<CreatedSignIn> {
    try {
      const { User } = await this.cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: person.username,
          UserAttributes: [
            { Name: 'email', Value: person.email },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'name', Value: person.name },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      )
      return { issuer: this.issuer, subject: subOf(User?.Attributes, person.username), existed: false }
    } catch (error) {
      // A retried request after the account was made: link the account that is there.
      if ((error as Error).name !== 'UsernameExistsException') throw error
      const existing = await this.cognito.send(
        new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: person.username }),
      )
      return { issuer: this.issuer, subject: subOf(existing.UserAttributes, person.username), existed: true }
    }
  }
}
