// The sign-in port on a Cognito user pool: AdminCreateUser (Cognito e-mails a temporary password; the user sets a
// new one and registers a TOTP authenticator at the first sign-in, since the pool requires MFA).
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider'
import { ConflictError } from '../../platform/errors.ts'
import type { CreatedSignIn, NewSignIn, SignInPort } from './port.ts'

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
      const name = (error as Error).name
      if (name === 'AliasExistsException') {
        throw new ConflictError(`email: ${person.email} is already the e-mail of another sign-in account`)
      }
      if (name !== 'UsernameExistsException') throw error
      // A retried request after the account was made: link the account that is there, if it is this person's. The
      // pool's names are case-insensitive, so the name must match exactly and the e-mail too, or it is someone else.
      const existing = await this.cognito.send(
        new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: person.username }),
      )
      const email = existing.UserAttributes?.find((a) => a.Name === 'email')?.Value
      if (existing.Username !== person.username || email?.toLowerCase() !== person.email.toLowerCase()) {
        throw new ConflictError(
          `a sign-in account named ${existing.Username ?? person.username} exists with another e-mail: link it by its ` +
            'subject, or remove it in the user pool first',
        )
      }
      return { issuer: this.issuer, subject: subOf(existing.UserAttributes, person.username), existed: true }
    }
  }
}
