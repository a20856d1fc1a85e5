// Identifiers chosen by offices (unit, officer, petitioner, matter, event) and the ids derived from them (visits,
// timers, notifications): kept apart so that a function needing only this does not bundle the phone-number library
// with the other directory schemas.
//
// Byte caps, and why they keep every key within DynamoDB's limits (partition key 2,048 bytes, sort key 1,024 bytes,
// the same for index keys): an office's id is at most ID_MAX_BYTES = 64 bytes. Everything else is derived by joining
// them: a visit `<matterId>.<eventId>-v<n>` (≤ 134 bytes, `-x` more for an extra visit), its timers `…-r<n>`, `…-o1`
// (≤ 142), a supervisor's SMS `sms-flag-<kind>-<visitId>-<officerId>` (≤ 230). Keys add a prefix or a sort prefix
// (`NOTIFICATION#`, `OFFICER#…#VISITS`, `<12 digits>#<instant>#`: ≤ 40 bytes). So a derived id stays under
// DERIVED_ID_MAX_BYTES = 256, and the longest key made from one, even from a path parameter at the full 256 bytes with
// a suffix and an officer's id joined to it, stays under 400 bytes: less than half the sort key's 1,024.
import * as z from 'zod'

/** The longest id an office may choose, in bytes (the grammar is ASCII: one byte a character). */
export const ID_MAX_BYTES = 64
/** The longest derived id a request may address (a visit, a notification, an audit subject), in bytes. */
export const DERIVED_ID_MAX_BYTES = 256

export const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8')

/** The size check first: a 3,000-character id is told its size, not every character it should not have. */
const capped = (max: number) =>
  z.string().refine((text) => utf8Bytes(text) <= max, {
    error: (issue) => `must be at most ${max} bytes, not ${utf8Bytes(String(issue.input))}`,
    abort: true,
  })

/** 1–64 letters, digits, `-` or `_`, starting with a letter or digit: no `.`, `#` or `:` that derived ids use. */
export const idSchema = capped(ID_MAX_BYTES).regex(
  /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
  `must be 1-${ID_MAX_BYTES} letters, digits, - or _, starting with a letter or digit`,
)

/**
 * An id the system derives from offices' ids: theirs joined by `.` (shared/matters/rules/events.ts) and `-`, with
 * suffixes such as `-v1`, `-r2`, `-x`. Never `#`, which separates the parts of a key.
 */
export const derivedIdSchema = capped(DERIVED_ID_MAX_BYTES).regex(
  /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
  `must be letters, digits, ., - or _, starting with a letter or digit`,
)
