// Local tokens for `npm start`'s API: Cognito-shaped ID tokens (shared/directory/sign-in/local-tokens.ts) for a
// person of the directory, and the secret that signs them, kept in .aftercare/ so that they survive a restart.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export {
  LOCAL_CLIENT_ID,
  LOCAL_ISSUER,
  type LocalIdToken,
  signLocalIdToken,
  verifyLocalToken,
} from '#shared/directory/sign-in/local-tokens.ts'

/** The secret of a persistent local installation, made on first use so that tokens survive a restart. */
export const localTokenSecret = (file: string): string => {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dirname(file), { recursive: true })
  const secret = randomBytes(32).toString('hex')
  writeFileSync(file, secret, { mode: 0o600 })
  return secret
}
