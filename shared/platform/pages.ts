// Lists the API answers a page at a time: `limit` items (50 unless asked, 200 at most) and, when more follow, a
// `nextCursor` to send back as `cursor`. The cursor is sealed as the worklist's is (cursor.ts): it resumes the listing
// it was given out for and no other. These lists are read whole and are small (a subject's audit trail, a region's SMS
// of unknown fate, the templates, the warnings, a region's cadence policies): the page is cut from what was read, in
// the order of each item's own key, and a cursor names the last key given.
import * as z from 'zod'
import { openCursor, sealCursor } from './cursor.ts'
import type { AppDeps } from './deps.ts'

export const pageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .describe('items per page: 50 unless asked, 200 at most'),
  cursor: z.string().max(2000).optional().describe('the `nextCursor` of the page before'),
})
export type PageQuery = z.infer<typeof pageQuery>

/** The `nextCursor` of a page's answer: absent on the last page. */
export const nextCursorField = z
  .string()
  .optional()
  .describe('the next page: send it back as `cursor`; absent on the last')

/** The purpose of the MAC key that seals every page cursor of the API (a key of its own, derived like the blind indexes'). */
const CURSOR_MAC_PURPOSE = 'page-cursor'
/** The keyed MAC that seals and opens page cursors (shared/platform/cursor.ts). */
export const cursorMac = (deps: Pick<AppDeps, 'crypto'>) => (message: string) =>
  deps.crypto.blindIndex(message, CURSOR_MAC_PURPOSE)

/** What a cursor of these lists holds: the key of the last item given. */
const resumeKey = z.strictObject({ after: z.string().min(1).max(1024) })

/**
 * One page of `items`, ordered by `keyOf` (a key unique in the list): those after the cursor's key, at most `limit`,
 * and the cursor of the next page when more follow. A cursor made up, altered or given out for another listing is a
 * 400 naming `query.cursor`.
 */
export const pageOf = <T>(
  deps: Pick<AppDeps, 'crypto'>,
  listing: string,
  items: readonly T[],
  keyOf: (item: T) => string,
  query: PageQuery,
): { items: T[]; nextCursor: string | undefined } => {
  const mac = cursorMac(deps)
  const start = openCursor(mac, listing, query.cursor, resumeKey)
  const keyed = items.map((item) => ({ item, key: keyOf(item) }))
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const rest = start ? keyed.filter(({ key }) => key > start.after) : keyed
  const page = rest.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: page.map(({ item }) => item),
    nextCursor: rest.length > page.length && last ? sealCursor(mac, listing, { after: last.key }) : undefined,
  }
}
