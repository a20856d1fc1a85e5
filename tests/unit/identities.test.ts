// Who a caller is: the sign-in an ID token proves (as API Gateway's JWT authorizer hands its claims on, every one a
// string), the actor a staff record makes, and how long a container remembers it.
import { describe, expect, it } from 'vitest'
import { claimsAsApiGatewayRendersThem } from '../../local/http-server.ts'
import { ExpiringCache } from '../../shared/access/actor-cache.ts'
import { actorOfStaff, signInFromClaims } from '../../shared/access/rules/roles.ts'
import { ManualClock } from '../../shared/platform/clock.ts'
import { ForbiddenError, UnauthorizedError } from '../../shared/platform/errors.ts'

const issuer = 'https://cognito-idp.ap-east-1.amazonaws.com/ap-east-1_AbC123'
const rules = { issuer, maxLifetimeSeconds: 3600 }

/** A Cognito ID token's claims, as the function receives them from API Gateway's HTTP API JWT authorizer. */
const idTokenClaims = (overrides: Record<string, string | undefined> = {}) => {
  const claims: Record<string, string | undefined> = {
    sub: '5b2c7d3e-0f41-4a8b-9c6d-2e1f0a9b8c7d',
    email_verified: 'true',
    iss: issuer,
    'cognito:username': 'wang',
    origin_jti: '0c8f2a3e-4b5d-4e6f-8a7b-9c0d1e2f3a4b',
    aud: '6l3c1f0d9m2k8q7r5s4t3u2v1w',
    event_id: 'e0f1a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b',
    token_use: 'id',
    auth_time: '1767225600',
    exp: '1767229200',
    iat: '1767225600',
    jti: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    email: 'wang@xihu.gov.cn',
    ...overrides,
  }
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined))
}

describe('the sign-in an ID token proves', () => {
  it('is its issuer and subject, the claims being strings as API Gateway passes them', () => {
    expect(signInFromClaims(idTokenClaims(), rules)).toEqual({
      issuer,
      subject: '5b2c7d3e-0f41-4a8b-9c6d-2e1f0a9b8c7d',
    })
  })

  it('takes numbers too, as a token decoded elsewhere carries them', () => {
    const claims = { ...idTokenClaims(), iat: 1767225600, exp: 1767229200 }
    expect(signInFromClaims(claims, rules).subject).toBe('5b2c7d3e-0f41-4a8b-9c6d-2e1f0a9b8c7d')
  })

  it.each([
    [
      'another issuer',
      { iss: 'https://cognito-idp.ap-east-1.amazonaws.com/ap-east-1_Other' },
      /issuer .* is not/,
    ],
    [
      'an access token',
      { token_use: 'access', aud: undefined, client_id: 'abc' },
      /token_use access: only ID/,
    ],
    ['no audience', { aud: undefined }, /claim aud is missing/],
    ['no subject', { sub: undefined }, /claim sub is missing/],
    ['no expiry', { exp: undefined }, /claim exp is missing/],
    ['no issue time', { iat: undefined }, /claim iat is missing/],
    ['an expiry that is no time', { exp: 'soon' }, /claim exp is not a time/],
    ['an expiry before its issue', { exp: '1767225000' }, /expires before it was issued/],
    ['a lifetime over the maximum', { exp: '1767229201' }, /lifetime 3601 s exceeds the maximum of 3600 s/],
  ])('refuses %s with a 401 that says why', (_, overrides, reason) => {
    const attempt = () => signInFromClaims(idTokenClaims(overrides), rules)
    expect(attempt).toThrow(UnauthorizedError)
    expect(attempt).toThrow(reason)
  })

  it('accepts the longest lifetime allowed, and another OIDC provider’s ID token without token_use', () => {
    expect(() => signInFromClaims(idTokenClaims({ exp: '1767229200' }), rules)).not.toThrow()
    expect(() => signInFromClaims(idTokenClaims({ token_use: undefined }), rules)).not.toThrow()
  })
})

describe('the actor a staff record makes', () => {
  const record = { officerId: 'wang', duty: 'officer', regionCode: '330106009000', active: true }

  it('has the directory id, the duty as role and the unit’s region as scope', () => {
    expect(actorOfStaff(record)).toEqual({ id: 'wang', role: 'officer', regionCode: '330106009000' })
    expect(actorOfStaff({ ...record, officerId: 'chen', duty: 'committee' }).role).toBe('committee')
  })

  it('is refused, 403, to a person who has left', () => {
    const attempt = () => actorOfStaff({ ...record, active: false })
    expect(attempt).toThrow(ForbiddenError)
    expect(attempt).toThrow('wang has left (the directory record is inactive) and can no longer act')
  })
})

describe('the per-container cache of callers', () => {
  it('forgets an entry after its time to live, on the clock it is given', () => {
    const clock = new ManualClock('2026-03-02T02:00:00Z')
    const cache = new ExpiringCache<string>(() => clock.now(), 60_000)
    cache.set('a', 'wang')
    clock.advance(59_999)
    expect(cache.get('a')).toBe('wang')
    clock.advance(1)
    expect(cache.get('a')).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('keeps at most its size, forgetting the oldest first', () => {
    const clock = new ManualClock('2026-03-02T02:00:00Z')
    const cache = new ExpiringCache<number>(() => clock.now(), 60_000, 3)
    for (const n of [1, 2, 3, 4]) cache.set(`k${n}`, n)
    expect(cache.size).toBe(3)
    expect(cache.get('k1')).toBeUndefined()
    expect(cache.get('k4')).toBe(4)
  })
})

describe('claims as the local server hands them on', () => {
  it('renders every claim as a string, as API Gateway’s HTTP API JWT authorizer does', () => {
    expect(
      claimsAsApiGatewayRendersThem({
        sub: 'u-1',
        iat: 1767225600,
        email_verified: true,
        'cognito:groups': ['admin', 'editor'],
        address: { locality: '杭州', country: 'CN' },
      }),
    ).toEqual({
      sub: 'u-1',
      iat: '1767225600',
      email_verified: 'true',
      'cognito:groups': '[admin editor]',
      address: 'map[country:CN locality:杭州]',
    })
  })
})
