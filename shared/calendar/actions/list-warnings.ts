// What an administrator or a supervisor must act on: the warnings within their scope.
import pMap from 'p-map'
import { regionCovers } from '../../access/rules/region-scope.ts'
import { type Actor, isProvincialAdmin } from '../../access/rules/roles.ts'
import type { AppDeps } from '../../platform/deps.ts'
import type { WarningRegions } from '../ports.ts'
import { allWarnings, type Warning } from '../store.ts'
import { warningRegions } from '../warning-regions.ts'

/**
 * What the caller must act on: national warnings (a holiday arrangement to load) for everyone, and those about a
 * region within the caller's scope. A warning whose region cannot be told is shown only to administrators of a
 * province or above. Without a caller, national warnings only.
 */
export const listWarnings = async (deps: AppDeps, actor: Actor, regions: WarningRegions = warningRegions) => {
  const warnings = await allWarnings(deps.store)
  const visible = await pMap(
    warnings,
    async (w) => {
      if (w.national) return w
      if (!actor) return undefined
      // Raised without a region (a timer given up, written before warnings carried theirs): what it is about tells.
      const regionCode = w.regionCode ?? (await regions.regionOf(deps, w))
      if (regionCode === undefined) return isProvincialAdmin(actor) ? w : undefined
      return regionCovers(actor.regionCode, regionCode) ? { ...w, regionCode } : undefined
    },
    { concurrency: 8 },
  )
  return visible.filter((w): w is Warning => w !== undefined)
}
