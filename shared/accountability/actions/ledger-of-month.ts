// A region's accountability ledger for a month, as a supervisor reads it, and as the region's board counts it.
import type * as z from 'zod'
import { type Actor, requireRegion } from '../../access/rules/roles.ts'
import { businessDateOf } from '../../calendar/rules/business-time.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { monthOf, type monthQuery } from '../../visits/rules/board.ts'
import { ledgerOfMonth } from '../store.ts'

/** The entries of a region (and the regions under it) recorded in a month, oldest first. */
export const monthLedger = (deps: AppDeps, regionCode: string, month: string) =>
  ledgerOfMonth(deps.store, regionCode, month)

export const accountabilityLedger = async (
  deps: AppDeps,
  actor: Actor,
  regionCode: string,
  query: z.infer<typeof monthQuery>,
) => {
  requireRegion(actor, regionCode)
  const month = monthOf(query.month, businessDateOf(deps.clock.now()))
  return { regionCode, month, entries: await monthLedger(deps, regionCode, month) }
}
