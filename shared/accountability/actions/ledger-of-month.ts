// A region's accountability ledger for a month, as a supervisor reads it (a page at a time), and as the region's
// board counts it (whole).

import { type Actor, requireRegion } from '../../access/rules/roles.ts'
import { businessDateOf } from '../../calendar/rules/business-time.ts'
import { openCursor, sealCursor } from '../../platform/cursor.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { cursorMac } from '../../platform/pages.ts'
import { type MonthPageQuery, monthOf, pageOfQuery } from '../../visits/rules/board.ts'
import { ledgerOfMonth, ledgerPageOfMonth, ledgerResumeKey } from '../store.ts'

/** One region's ledger of one month: a cursor given out for it resumes it and no other. */
const ledgerListing = (regionCode: string, month: string) => `accountability/${regionCode}/${month}`

/** The entries of a region (and the regions under it) recorded in a month, oldest first. */
export const monthLedger = (deps: AppDeps, regionCode: string, month: string) =>
  ledgerOfMonth(deps.store, regionCode, month)

/**
 * A page of the entries of a region recorded in a month, in the region index's order (region code, recorded at,
 * id): each shard of the month is read from where the cursor left it, `limit` entries at most.
 */
export const accountabilityLedger = async (
  deps: AppDeps,
  actor: Actor,
  regionCode: string,
  query: MonthPageQuery,
) => {
  requireRegion(actor, regionCode)
  const month = monthOf(query.month, businessDateOf(deps.clock.now()))
  const { limit, cursor } = pageOfQuery(query)
  const mac = cursorMac(deps)
  const listing = ledgerListing(regionCode, month)
  const start = openCursor(mac, listing, cursor, ledgerResumeKey(regionCode))
  const { entries, marks } = await ledgerPageOfMonth(deps.store, regionCode, month, {
    limit,
    marks: start?.shards,
  })
  return {
    regionCode,
    month,
    entries,
    nextCursor: sealCursor(mac, listing, marks ? { shards: marks } : undefined),
  }
}
