// Page cursors: where a listing resumes, handed to the caller and taken back. A cursor is the store's own resume key,
// so one the caller made up (or altered) would reach the database as a key it never gave out: a 500, or a page of
// another officer's worklist. Each cursor is therefore sealed with a keyed MAC over the listing it belongs to and the
// key, and taken back only for that same listing, and only when its key has the shape that listing's keys have.
import { timingSafeEqual } from 'node:crypto'
import type * as z from 'zod'
import { ValidationError } from './errors.ts'

/** A keyed MAC (HMAC-SHA256, base64url): the same message gives the same text, no one without the key can make it. */
export type Mac = (message: string) => string

const macInput = (listing: string, payload: string) => `${listing}\n${payload}`

/** `<resume key as base64url JSON>.<MAC of the listing and the key>`, or undefined on the last page. */
export const sealCursor = (
  mac: Mac,
  listing: string,
  key: Record<string, unknown> | undefined,
): string | undefined => {
  if (!key) return undefined
  const payload = Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')
  return `${payload}.${mac(macInput(listing, payload))}`
}

/**
 * The resume key of a cursor given out for this listing, checked against the shape of the listing's keys; a cursor
 * made up, altered, or given out for another listing (another officer's worklist) is a 400 naming `field`.
 */
export const openCursor = <K>(
  mac: Mac,
  listing: string,
  cursor: string | undefined,
  keySchema: z.ZodType<K>,
  field = 'query.cursor',
): K | undefined => {
  if (cursor === undefined || cursor === '') return undefined
  const refuse = (): never => {
    throw new ValidationError([{ field, reason: 'is not a cursor this API gave out for this list' }])
  }
  const [payload, seal, ...rest] = cursor.split('.')
  if (!payload || !seal || rest.length > 0) return refuse()
  const expected = Buffer.from(mac(macInput(listing, payload)), 'utf8')
  const given = Buffer.from(seal, 'utf8')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse()
  let key: unknown
  try {
    key = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  } catch {
    return refuse()
  }
  // Only a key this code sealed gets here; its shape is checked all the same, so that a leaked MAC key, or a change
  // of the index, cannot send the database a key of another partition.
  const parsed = keySchema.safeParse(key)
  return parsed.success ? parsed.data : refuse()
}
