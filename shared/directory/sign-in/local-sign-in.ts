// The sign-in port in local mode: a new subject (a UUID, as Cognito's) under the local issuer; local tokens for it
// are signed by local-tokens.ts. The same username always gets the same subject.
import { createHash } from 'node:crypto'
import type { CreatedSignIn, NewSignIn, SignInPort } from './port.ts'

/**
 * A UUID-shaped subject derived from the username, so that a repeated request links the same account, and so that a
 * local token for a person (`npm run token -- --id wang`) carries the subject their record is linked to.
 */
export const localSubject = (issuer: string, username: string): string => {
  const hex = createHash('sha256').update(`${issuer}\n${username}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export class LocalSignIn implements SignInPort {
  constructor(private readonly issuer: string) {}

  async createSignIn(person: NewSignIn): Promise<CreatedSignIn> {
    return { issuer: this.issuer, subject: localSubject(this.issuer, person.username), existed: false }
  }
}
