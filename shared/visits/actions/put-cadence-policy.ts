// A region's administrators, at any level, save a new version of its cadence policy for one trigger.
import type * as z from 'zod'
import { regionCodeOfPrefix } from '../../access/rules/region-scope.ts'
import { type Actor, requireRegion } from '../../access/rules/roles.ts'
import type { cadencePolicyInput } from '../../directory/rules/schemas.ts'
import { auditSubject, auditTransaction, isConditionRefusal } from '../../platform/audit.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { ConflictError } from '../../platform/errors.ts'
import { cadencePolicyOf, cadencePolicySave } from '../store/cadence.ts'
import { writeTogether } from '../store/writes.ts'
import { policyKeyOf } from './cadence-policies.ts'

/** A new version applies to visits planned afterwards; planned visits keep their dates. */
export const putCadencePolicy = async (
  deps: AppDeps,
  actor: Actor,
  input: z.infer<typeof cadencePolicyInput>,
) => {
  const { store, clock } = deps
  requireRegion(actor, input.regionCode)
  const key = { regionCode: policyKeyOf(input.regionCode), trigger: input.policy.trigger }
  const before = await cadencePolicyOf(store, key, { consistent: true })
  const now = clock.now()
  const saved = {
    ...key,
    policy: input.policy,
    version: (before?.version ?? 0) + 1,
    updatedAt: now.toISOString(),
    updatedBy: actor.id,
  }
  try {
    await writeTogether([
      ...cadencePolicySave(store, saved, before),
      auditTransaction(store, {
        subject: auditSubject('cadence-policy', key.regionCode, input.policy.trigger),
        actor: actor.id,
        action: 'cadence-policy.saved',
        regionCode: regionCodeOfPrefix(key.regionCode),
        at: now,
        before,
        after: saved,
      }),
    ])
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
