// What a region's visits are planned by: the policy that applies (its own, an enclosing region's, or the default),
// and the versions the region saved.
import { regionAncestry, regionCodeOfPrefix, significantPrefix } from '../../access/rules/region-scope.ts'
import { type Actor, requireRegion } from '../../access/rules/roles.ts'
import type { AppDeps } from '../../platform/deps.ts'
import {
  type CadencePolicy,
  cadencePolicySchema,
  defaultCadence,
  type VisitTrigger,
  visitTriggers,
} from '../rules/cadence.ts'
import { cadenceHistoryOf, cadencePolicyOf } from '../store/cadence.ts'

/**
 * Where a region's policy is kept: under its significant prefix (330000 → 33, 330100 → 3301, 330106009000 →
 * 330106009), the key the planner looks up for the region and each region above it (cadenceFor, regionAncestry).
 */
export const policyKeyOf = (regionCode: string) => significantPrefix(regionCode)

/** The most specific policy for the region: its own, then each enclosing region's, then the default. */
export const cadenceFor = async ({ store, logger }: AppDeps, regionCode: string, trigger: VisitTrigger) => {
  for (const candidate of regionAncestry(regionCode)) {
    const saved = await cadencePolicyOf(store, { regionCode: candidate, trigger })
    if (!saved) continue
    // A policy saved before today's limits: the region above plans instead of every event failing.
    const parsed = cadencePolicySchema.safeParse(saved.policy)
    if (!parsed.success) {
      logger.warn('cadence policy no longer valid: the region above applies', {
        regionCode: regionCodeOfPrefix(candidate),
        trigger,
        problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      })
      continue
    }
    return {
      policy: parsed.data,
      version: saved.version,
      // The region it was saved for, as a division code (a province's `33` is 330000), as the listing shows it.
      regionCode: regionCodeOfPrefix(candidate),
    }
  }
  return { policy: defaultCadence[trigger] as CadencePolicy, version: 0, regionCode: 'default' }
}

/** Per trigger: the effective policy, and the history of the region's own versions. */
export const cadencePolicies = async (deps: AppDeps, actor: Actor, regionCode: string) => {
  requireRegion(actor, regionCode)
  const history = await cadenceHistoryOf(deps.store, policyKeyOf(regionCode))
  const triggers = await Promise.all(
    visitTriggers.map(async (trigger) => {
      const effective = await cadenceFor(deps, regionCode, trigger)
      return {
        trigger,
        effective: {
          from: effective.regionCode === 'default' ? 'default' : regionCodeOfPrefix(effective.regionCode),
          version: effective.version,
          policy: effective.policy,
        },
        history: history
          .filter((v) => v.trigger === trigger)
          .map(({ version, policy, savedAt, savedBy }) => ({ version, policy, savedAt, savedBy })),
      }
    }),
  )
  return { regionCode, triggers }
}
