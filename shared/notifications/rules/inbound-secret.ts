// The SMS provider's callback proves itself with a shared secret, compared in constant time.
import { timingSafeEqual } from 'node:crypto'

export const secretMatches = (presented: string | undefined, expected: string): boolean => {
  const want = Buffer.from(expected)
  const given = Buffer.from(presented ?? '')
  return given.length === want.length && timingSafeEqual(given, want)
}
