// Administration of units, staff (officers, supervisors, committee members, administrators), petitioners and
// cadence policies; every change audited.
import { executeTransactWrite, GetItemCommand, PutTransaction, QueryCommand } from 'dynamodb-toolbox'
import type * as z from 'zod'
import type { AppDeps } from '../deps.ts'
import { inScope } from '../domain/access/object-scope.ts'
import { regionCovers, significantPrefix } from '../domain/access/region-scope.ts'
import { type Actor, requireRegion } from '../domain/access/roles.ts'
import type {
  cadencePolicyInput,
  officerInput,
  petitionerInput,
  unitInput,
} from '../domain/directory/schemas.ts'
import { visitTriggers } from '../domain/visits/cadence.ts'
import { ConflictError, ValidationError } from '../errors.ts'
import { auditTransaction, isConditionRefusal } from './audit.ts'
import { sealPhone, withoutCipher } from './personal-data.ts'
import { cadenceFor } from './plan-visits.ts'

/** What callers see of a record with a phone: the mask, never the ciphertext or the index. */
export const phoneView = <T extends { phoneCipher: string; phoneIndex: string; phoneMasked: string }>(
  record: T,
) => {
  const { phoneCipher: _c, phoneIndex: _i, phoneMasked, ...rest } = record
  return { ...rest, phone: phoneMasked }
}

/**
 * A unit the body names: one outside the caller's scope is answered as one that does not exist, so that no answer
 * tells that it exists elsewhere, or in which region (shared/domain/access/object-scope.ts).
 */
const unitOf = async ({ store }: AppDeps, actor: Actor, unitId: string, field: string) => {
  const { Item } = await store.Unit.build(GetItemCommand).key({ unitId }).send()
  if (!inScope(actor, Item)) throw new ValidationError([{ field, reason: `unit ${unitId} does not exist` }])
  return Item
}

/**
 * An id is one name in the whole directory: a record of that id outside the caller's scope cannot be replaced by
 * them, and the answer says only that the id is taken, not where.
 */
const requireOwnOrFree = (
  actor: Actor,
  field: string,
  id: string,
  before: { regionCode: string } | undefined,
) => {
  if (before && !inScope(actor, before)) {
    throw new ConflictError(`${field}: ${id} is already in use; choose another`)
  }
}

/**
 * A unit hangs under a unit whose region covers its own, and an administrator attaches units only inside their own
 * scope, the parent included: otherwise the visits of a county's petitioners could be assigned up a chain that runs
 * through another county, to an officer who cannot complete them.
 */
const checkParent = async (deps: AppDeps, actor: Actor, input: z.infer<typeof unitInput>) => {
  if (!input.parentUnitId) return
  if (input.parentUnitId === input.unitId) {
    throw new ValidationError([{ field: 'parentUnitId', reason: 'a unit cannot hang under itself' }])
  }
  const parent = await unitOf(deps, actor, input.parentUnitId, 'parentUnitId')
  if (!regionCovers(parent.regionCode, input.regionCode)) {
    throw new ValidationError([
      {
        field: 'parentUnitId',
        reason:
          `unit ${parent.unitId} (region ${parent.regionCode}) does not cover region ${input.regionCode}: a unit ` +
          'hangs only under a unit whose region covers its own',
      },
    ])
  }
}

export const putUnit = async (deps: AppDeps, actor: Actor, input: z.infer<typeof unitInput>) => {
  const { store, clock } = deps
  requireRegion(actor, input.regionCode)
  await checkParent(deps, actor, input)
  const { Item: before } = await store.Unit.build(GetItemCommand).key({ unitId: input.unitId }).send()
  requireOwnOrFree(actor, 'unitId', input.unitId, before)
  // Its staff, petitioners and child units took their region from it: a unit that moved would leave them behind.
  if (before && before.regionCode !== input.regionCode) {
    throw new ConflictError(
      `regionCode: unit ${input.unitId} is in region ${before.regionCode} and cannot move to ${input.regionCode}; ` +
        'create a unit in the new region and move its people there',
    )
  }
  await executeTransactWrite(
    store.Unit.build(PutTransaction).item(input),
    auditTransaction(store, {
      subject: `UNIT#${input.unitId}`,
      actor: actor.id,
      action: before ? 'unit.replaced' : 'unit.created',
      regionCode: input.regionCode,
      at: clock.now(),
      before,
      after: input,
    }),
  )
  return input
}

export const putOfficer = async (deps: AppDeps, actor: Actor, input: z.infer<typeof officerInput>) => {
  const { store, clock } = deps
  const unit = await unitOf(deps, actor, input.unitId, 'unitId')
  const { Item: before } = await store.Officer.build(GetItemCommand)
    .key({ officerId: input.officerId })
    .send()
  requireOwnOrFree(actor, 'officerId', input.officerId, before)
  if (before?.duty === 'officer' && before.openVisits > 0 && input.duty !== 'officer') {
    throw new ConflictError(
      `${input.officerId} has ${before.openVisits} open visits: hand them over (POST /officers/${input.officerId}/leave ` +
        'or reassign) before giving them another duty',
    )
  }
  const { phone, ...rest } = input
  const officer = {
    ...rest,
    ...(await sealPhone(deps.crypto, 'Officer', input.officerId, phone)),
    regionCode: unit.regionCode,
    openVisits: before?.openVisits ?? 0,
    // The sign-in is linked by its own route, never through this body; a replaced record keeps it.
    ...(before?.signIn ? { signIn: before.signIn } : {}),
  }
  await executeTransactWrite(
    store.Officer.build(PutTransaction).item(officer),
    auditTransaction(store, {
      subject: `OFFICER#${input.officerId}`,
      actor: actor.id,
      action: before ? 'officer.replaced' : 'officer.created',
      regionCode: unit.regionCode,
      at: clock.now(),
      before: withoutCipher(before),
      after: withoutCipher(officer),
    }),
  )
  return phoneView(officer)
}

export const putPetitioner = async (deps: AppDeps, actor: Actor, input: z.infer<typeof petitionerInput>) => {
  const { store, clock } = deps
  const unit = await unitOf(deps, actor, input.unitId, 'unitId')
  const { Item: before } = await store.Petitioner.build(GetItemCommand)
    .key({ petitionerId: input.petitionerId })
    .send()
  requireOwnOrFree(actor, 'petitionerId', input.petitionerId, before)
  const { phone, ...rest } = input
  const petitioner = {
    ...rest,
    ...(await sealPhone(deps.crypto, 'Petitioner', input.petitionerId, phone)),
    regionCode: unit.regionCode,
  }
  await executeTransactWrite(
    store.Petitioner.build(PutTransaction).item(petitioner),
    auditTransaction(store, {
      subject: `PETITIONER#${input.petitionerId}`,
      actor: actor.id,
      action: before ? 'petitioner.replaced' : 'petitioner.created',
      regionCode: unit.regionCode,
      at: clock.now(),
      before: withoutCipher(before),
      after: withoutCipher(petitioner),
    }),
  )
  return phoneView(petitioner)
}

/**
 * Where a region's policy is kept: under its significant prefix (330000 → 33, 330100 → 3301, 330106009000 →
 * 330106009), the key the planner looks up for the region and each region above it (cadenceFor, regionAncestry).
 */
const policyKeyOf = (regionCode: string) => significantPrefix(regionCode)

/** A policy key shown as the region code it stands for: 33 → 330000, 3301 → 330100; 6, 9 or 12 digits as kept. */
const regionCodeOfKey = (key: string) => (key.length < 6 ? key.padEnd(6, '0') : key)

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
        subject: `CADENCE#${key.regionCode}#${input.policy.trigger}`,
        actor: actor.id,
        action: 'cadence-policy.saved',
        regionCode: regionCodeOfKey(key.regionCode),
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
  return { ...saved, regionCode: regionCodeOfKey(key.regionCode) }
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
          from: effective.regionCode === 'default' ? 'default' : regionCodeOfKey(effective.regionCode),
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
