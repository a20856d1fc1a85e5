// The sign-in service as the directory needs it: create a person's account there and learn the subject (`sub`) its
// tokens will carry, so that the directory record can be linked to it. Cognito on AWS; a local one in local mode.

export interface NewSignIn {
  /** The sign-in name, the directory id by convention (unique in the pool). */
  username: string
  /** Where the temporary password and sign-in instructions go. */
  email: string
  /** The person's name as shown by the sign-in pages. */
  name: string
}

export interface CreatedSignIn {
  /** The `iss` of the tokens this sign-in will carry. */
  issuer: string
  /** The `sub` they will carry: a UUID in Cognito. */
  subject: string
  /** True when the account existed already (a retried request): it is linked, not created twice. */
  existed: boolean
}

export interface SignInPort {
  createSignIn(person: NewSignIn): Promise<CreatedSignIn>
  /** A token for the person, where the sign-in service makes one here (local mode only); absent elsewhere. */
  tokenFor?(person: { subject: string; username: string; email?: string }): Promise<string>
}
