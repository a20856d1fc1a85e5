// Local ID tokens: HS256 JWTs shaped as Cognito's ID tokens (UUID `sub`, `cognito:username`, `token_use: id`, `aud`,
// `iss`, `auth_time`, `iat`, `exp`, `email`), signed with LOCAL_TOKEN_SECRET. The local server checks them as API
// Gateway's JWT authorizer checks Cognito's (local/http-server.ts); the functions then treat both alike.
import { randomUUID } from 'node:crypto'
import { jwtVerify, SignJWT } from 'jose'
import { localSubject } from './local-sign-in.ts'

/** The `iss` of local tokens: TOKEN_ISSUER in local mode (`.invalid` never resolves). */
export const LOCAL_ISSUER = 'https://sign-in.aftercare.invalid/local'
/** The `aud` of local tokens, as the user pool client's id is Cognito's. */
export const LOCAL_CLIENT_ID = 'aftercare-local-client'

export interface LocalIdToken {
  /** The person's directory id, the token's `cognito:username`. */
  username: string
  /** @default the local sign-in's subject of `username` (local-sign-in.ts) */
  subject?: string
  /** @default `<username>@aftercare.invalid` */
  email?: string
  /** @default 3600, the user pool client's ID token validity */
  lifetimeSeconds?: number
  /** @default now: the local server checks `iat` and `exp` on wall time */
  now?: Date
}

export const signLocalIdToken = (secret: string, token: LocalIdToken): Promise<string> => {
  const now = Math.floor((token.now ?? new Date()).getTime() / 1000)
  return new SignJWT({
    'cognito:username': token.username,
    email: token.email ?? `${token.username}@aftercare.invalid`,
    email_verified: true,
    token_use: 'id',
    auth_time: now,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(token.subject ?? localSubject(LOCAL_ISSUER, token.username))
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_CLIENT_ID)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (token.lifetimeSeconds ?? 3600))
    .sign(new TextEncoder().encode(secret))
}

/**
 * The claims of a local token that passes what API Gateway's JWT authorizer checks (signature, `iss`, `aud`, an
 * `exp` to come, `nbf` and `iat` past), or why not, in the words of its `www-authenticate` header.
 */
export const verifyLocalToken = async (
  secret: string,
  token: string,
): Promise<{ claims: Record<string, unknown> } | { problem: string }> => {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      issuer: LOCAL_ISSUER,
      audience: LOCAL_CLIENT_ID,
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iat'],
    })
    if ((payload.iat ?? 0) > Math.floor(Date.now() / 1000) + 5)
      return { problem: 'the token is not valid yet' }
    return { claims: payload as Record<string, unknown> }
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'ERR_JWT_EXPIRED') return { problem: 'the token has expired' }
    if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
      const claim = (error as { claim?: string }).claim
      if (claim === 'aud') return { problem: 'the token does not have a valid audience' }
      if (claim === 'iss') return { problem: 'the token does not have a valid issuer' }
      return { problem: `the token's ${claim ?? 'claims'} claim is not valid` }
    }
    return { problem: 'the token is not valid' }
  }
}
