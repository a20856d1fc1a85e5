// A region's cadence policies: saved by its administrators at any level, listed with the one that applies there.
import { executeTransactWrite, GetItemCommand, PutTransaction, QueryCommand } from 'dynamodb-toolbox'
import type * as z from 'zod'
import { regionCodeOfPrefix, significantPrefix } from '../access/rules/region-scope.ts'
import { type Actor, requireRegion } from '../access/rules/roles.ts'
import type { cadencePolicyInput } from '../directory/rules/schemas.ts'
import { auditSubject, auditTransaction, isConditionRefusal } from '../platform/audit.ts'
import type { AppDeps } from '../platform/deps.ts'
import { ConflictError } from '../platform/errors.ts'
import { cadenceFor } from './plan-visits.ts'
import { visitTriggers } from './rules/cadence.ts'

/**
 * Where a region's policy is kept: under its significant prefix (330000 → 33, 330100 → 3301, 330106009000 →
 * 330106009), the key the planner looks up for the region and each region above it (cadenceFor, regionAncestry).
 */
const policyKeyOf = (regionCode: string) => significantPrefix(regionCode)

/** A policy key shown as the region code it stands for: 33 → 330000, 3301 → 330100; 6, 9 or 12 digits as kept. */

/** A new version of a region's policy applies to visits planned afterwards; planned visits keep their dates. */
export const putCadencePolicy = async (
  deps: AppDeps,
  actor: Actor,
  input: z.infer<typeof cadencePolicyInput>,
) => {
  const { store, clock } = deps
  requireRegion(actor, input.regionCode)
  const key = { regionCode: policyKeyOf(input.regionCode), trigger: input.policy.trigger }
  const { Item: before } = await store.CadencePolicy.build(GetItemCommand)
    .key(key)
    .options({ consistent: true })
    .send()
  const now = clock.now()
  const saved = {
    ...key,
    policy: input.policy,
    version: (before?.version ?? 0) + 1,
    updatedAt: now.toISOString(),
    updatedBy: actor.id,
  }
  try {
    await executeTransactWrite(
      store.CadencePolicy.build(PutTransaction)
        .item(saved)
        .options({
          condition: before ? { attr: 'version', eq: before.version } : { attr: 'version', exists: false },
        }),
      store.CadencePolicyVersion.build(PutTransaction).item({
        ...key,
        version: saved.version,
        policy: saved.policy,
        savedAt: saved.updatedAt,
        savedBy: actor.id,
      }),
      auditTransaction(store, {
        subject: auditSubject('cadence-policy', key.regionCode, input.policy.trigger),
        actor: actor.id,
        action: 'cadence-policy.saved',
        regionCode: regionCodeOfPrefix(key.regionCode),
        at: now,
        before,
        after: saved,
      }),
    )
  } catch (error) {
    if (isConditionRefusal(error)) {
      throw new ConflictError(
        `the ${input.policy.trigger} policy of region ${input.regionCode} was saved by someone else meanwhile: ` +
          'read it again (GET /admin/cadence-policies/{regionCode}) and try again',
      )
    }
    throw error
  }
  return { ...saved, regionCode: regionCodeOfPrefix(key.regionCode) }
}

/**
 * What a region's visits are planned by, per trigger: the effective policy (its own, an enclosing region's, or the
 * default) and the history of the region's own versions.
 */
export const cadencePolicies = async (deps: AppDeps, actor: Actor, regionCode: string) => {
  requireRegion(actor, regionCode)
  const { Items = [] } = await deps.store.table
    .build(QueryCommand)
    .entities(deps.store.CadencePolicyVersion)
    .query({ partition: `CADENCE#${policyKeyOf(regionCode)}`, range: { beginsWith: 'HISTORY#' } })
    .options({ maxPages: Number.POSITIVE_INFINITY })
    .send()
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
        history: Items.filter((v) => v.trigger === trigger).map(({ version, policy, savedAt, savedBy }) => ({
          version,
          policy,
          savedAt,
          savedBy,
        })),
      }
    }),
  )
  return { regionCode, triggers }
}
