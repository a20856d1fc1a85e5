// Local tokens: HS256 JWTs with the same claims a Cognito ID token carries (`custom:role`, `custom:region`).
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { jwtVerify, SignJWT } from 'jose'
import type { Role } from '#shared/domain/access/roles.ts'

/** The `iss` of local tokens (TOKEN_ISSUER in local mode). */
export const LOCAL_ISSUER = 'aftercare-local'
const ISSUER = LOCAL_ISSUER
const AUDIENCE = 'aftercare-local'

export interface LocalIdentity {
  sub: string
  role: Role
  region: string
}

export const signLocalToken = (secret: string, identity: LocalIdentity, expiresIn = '12h'): Promise<string> =>
  new SignJWT({ 'custom:role': identity.role, 'custom:region': identity.region, token_use: 'id' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(identity.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret))

/** The claims of a valid token, as API Gateway's JWT authorizer passes them on; undefined when not valid. */
export const verifyLocalToken = async (secret: string, token: string) => {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
    })
    return payload as Record<string, unknown>
  } catch {
    return undefined
  }
}

/** The secret of a persistent local installation, made on first use so that tokens survive a restart. */
export const localTokenSecret = (file: string): string => {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dirname(file), { recursive: true })
  const secret = randomBytes(32).toString('hex')
  writeFileSync(file, secret, { mode: 0o600 })
  return secret
}
