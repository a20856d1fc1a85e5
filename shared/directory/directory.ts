// Administration of units, staff (officers, supervisors, committee members, administrators), petitioners and
// cadence policies; every change audited.
import { executeTransactWrite, GetItemCommand, PutTransaction, UpdateTransaction } from 'dynamodb-toolbox'
import type * as z from 'zod'
import { inScope, requireInScopeOrNotFound } from '../access/rules/object-scope.ts'
import { regionCovers } from '../access/rules/region-scope.ts'
import { type Actor, requireRegion } from '../access/rules/roles.ts'
import { auditSubject, auditTransaction, isConditionRefusal } from '../platform/audit.ts'
import { sealPhone, withoutCipher } from '../platform/crypto/personal-data.ts'
import type { AppDeps } from '../platform/deps.ts'
import { ConflictError, ValidationError } from '../platform/errors.ts'
import { idSchema } from '../platform/id.ts'
import type {
  officerInput,
  officerReplacement,
  petitionerInput,
  petitionerReplacement,
  unitInput,
  unitReplacement,
} from './rules/schemas.ts'

/** What callers see of a record with a phone: the mask, never the ciphertext or the index. */
export const phoneView = <T extends { phoneCipher: string; phoneIndex: string; phoneMasked: string }>(
  record: T,
) => {
  const { phoneCipher: _c, phoneIndex: _i, phoneMasked, ...rest } = record
  return { ...rest, phone: phoneMasked }
}

/**
 * A unit the body names: one outside the caller's scope is answered as one that does not exist, so that no answer
 * tells that it exists elsewhere, or in which region (shared/access/rules/object-scope.ts).
 */
const unitOf = async ({ store }: AppDeps, actor: Actor, unitId: string, field: string) => {
  const { Item } = await store.Unit.build(GetItemCommand).key({ unitId }).send()
  if (!inScope(actor, Item)) throw new ValidationError([{ field, reason: `unit ${unitId} does not exist` }])
  return Item
}

/**
 * An id is one name in the whole directory. Creating one that exists answers 409: in the caller's scope saying how
 * to replace it, outside it saying only that the id is taken, not where.
 */
const takenError = (
  actor: Actor,
  field: string,
  id: string,
  route: string,
  existing: { regionCode: string },
) =>
  inScope(actor, existing)
    ? new ConflictError(`${field}: ${id} exists already; PUT ${route}/${id} replaces it`)
    : new ConflictError(`${field}: ${id} is already in use; choose another`)

/** The id of a replacement: the path's, which the body may repeat but not contradict. */
const sameId = (field: string, path: string, body: string | undefined) => {
  const problem = idSchema.safeParse(path).success
    ? body !== undefined && body !== path
      ? `is ${path} in the path and ${body} in the body: they must be the same`
      : undefined
    : 'must be 1-64 letters, digits, - or _, starting with a letter or digit'
  if (problem) throw new ValidationError([{ field, reason: problem }])
}

/** A create refused by its condition: someone created the same id meanwhile. */
const createRefused = async <T extends { regionCode: string }>(
  write: Promise<unknown>,
  reread: () => Promise<T | undefined>,
  taken: (existing: T) => ConflictError,
) => {
  try {
    await write
  } catch (error) {
    if (!isConditionRefusal(error)) throw error
    const existing = await reread()
    if (existing) throw taken(existing)
    throw error
  }
}

/** A replacement refused by its condition: the record changed (or went) between the read and the write. */
const replaceRefused = async (write: Promise<unknown>, what: string, onRefusal?: () => Promise<void>) => {
  try {
    await write
  } catch (error) {
    if (!isConditionRefusal(error)) throw error
    await onRefusal?.()
    throw new ConflictError(`${what} was changed by someone else meanwhile: read it again and retry`)
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

const readUnit = async ({ store }: AppDeps, unitId: string) =>
  (await store.Unit.build(GetItemCommand).key({ unitId }).options({ consistent: true }).send()).Item

/** `POST /admin/units`: a new unit; 409 if the id exists, here or elsewhere. */
export const createUnit = async (deps: AppDeps, actor: Actor, input: z.infer<typeof unitInput>) => {
  const { store, clock } = deps
  requireRegion(actor, input.regionCode)
  await checkParent(deps, actor, input)
  const before = await readUnit(deps, input.unitId)
  if (before) throw takenError(actor, 'unitId', input.unitId, '/admin/units', before)
  await createRefused(
    executeTransactWrite(
      store.Unit.build(PutTransaction)
        .item(input)
        .options({ condition: { attr: 'unitId', exists: false } }),
      auditTransaction(store, {
        subject: auditSubject('unit', input.unitId),
        actor: actor.id,
        action: 'unit.created',
        regionCode: input.regionCode,
        at: clock.now(),
        after: input,
      }),
    ),
    () => readUnit(deps, input.unitId),
    (existing) => takenError(actor, 'unitId', input.unitId, '/admin/units', existing),
  )
  return input
}

/**
 * `PUT /admin/units/{unitId}`: the unit as given replaces the one of the caller's scope (404 for one that does not
 * exist or is elsewhere). A unit keeps its region.
 */
export const replaceUnit = async (
  deps: AppDeps,
  actor: Actor,
  unitId: string,
  body: z.infer<typeof unitReplacement>,
) => {
  const { store, clock } = deps
  sameId('unitId', unitId, body.unitId)
  const input = { ...body, unitId }
  const before = requireInScopeOrNotFound(actor, await readUnit(deps, unitId), `unit ${unitId}`)
  requireRegion(actor, input.regionCode)
  // Its staff, petitioners and child units took their region from it: a unit that moved would leave them behind.
  if (before.regionCode !== input.regionCode) {
    throw new ConflictError(
      `regionCode: unit ${unitId} is in region ${before.regionCode} and cannot move to ${input.regionCode}; ` +
        'create a unit in the new region and move its people there',
    )
  }
  await checkParent(deps, actor, input)
  await replaceRefused(
    executeTransactWrite(
      store.Unit.build(PutTransaction)
        .item(input)
        .options({ condition: { attr: 'regionCode', eq: before.regionCode } }),
      auditTransaction(store, {
        subject: auditSubject('unit', unitId),
        actor: actor.id,
        action: 'unit.replaced',
        regionCode: input.regionCode,
        at: clock.now(),
        before,
        after: input,
      }),
    ),
    `unit ${unitId}`,
  )
  return input
}

/** Creates the unit, or replaces it if it exists: for the console and the demo, which may run again. */
export const putUnit = async (deps: AppDeps, actor: Actor, input: z.infer<typeof unitInput>) =>
  (await readUnit(deps, input.unitId))
    ? replaceUnit(deps, actor, input.unitId, input)
    : createUnit(deps, actor, input)

const readOfficer = async ({ store }: AppDeps, officerId: string) =>
  (await store.Officer.build(GetItemCommand).key({ officerId }).options({ consistent: true }).send()).Item

/** The staff index of a unit: where the planner and the hand-over find a unit's officers. */
const staffIndexKeys = (officerId: string, unitId: string) => ({
  gsi1pk: `UNIT#${unitId}#OFFICERS`,
  gsi1sk: `OFFICER#${officerId}`,
})

const openVisitsError = (officerId: string, openVisits: number) =>
  new ConflictError(
    `${officerId} has ${openVisits} open visits: hand them over (POST /officers/${officerId}/leave ` +
      'or reassign) before giving them another duty or marking them as left',
  )

/** `POST /admin/officers`: a new staff record, with no open visits and no sign-in; 409 if the id exists. */
export const createOfficer = async (deps: AppDeps, actor: Actor, input: z.infer<typeof officerInput>) => {
  const { store, clock } = deps
  const unit = await unitOf(deps, actor, input.unitId, 'unitId')
  const before = await readOfficer(deps, input.officerId)
  if (before) throw takenError(actor, 'officerId', input.officerId, '/admin/officers', before)
  const { phone, ...rest } = input
  const officer = {
    ...rest,
    ...(await sealPhone(deps.crypto, 'Officer', input.officerId, phone)),
    regionCode: unit.regionCode,
    openVisits: 0,
  }
  await createRefused(
    executeTransactWrite(
      store.Officer.build(PutTransaction)
        .item(officer)
        .options({ condition: { attr: 'officerId', exists: false } }),
      auditTransaction(store, {
        subject: auditSubject('officer', input.officerId),
        actor: actor.id,
        action: 'officer.created',
        regionCode: unit.regionCode,
        at: clock.now(),
        after: withoutCipher(officer),
      }),
    ),
    () => readOfficer(deps, input.officerId),
    (existing) => takenError(actor, 'officerId', input.officerId, '/admin/officers', existing),
  )
  return phoneView(officer)
}

/**
 * `PUT /admin/officers/{officerId}`: updates the fields the body gives (name, phone, unit; duty, locale and active
 * only when given) of a record of the caller's scope (404 otherwise), on the condition that it is still where it
 * was read and, when the person stops being an active officer, that no visit is open. It writes neither the open
 * visits nor the sign-in, so that a visit planned or a sign-in linked meanwhile is kept; and a person who has left
 * stays so unless the body says `"active": true`.
 */
export const replaceOfficer = async (
  deps: AppDeps,
  actor: Actor,
  officerId: string,
  body: z.infer<typeof officerReplacement>,
) => {
  const { store, clock } = deps
  sameId('officerId', officerId, body.officerId)
  const before = requireInScopeOrNotFound(actor, await readOfficer(deps, officerId), `officer ${officerId}`)
  const unit = await unitOf(deps, actor, body.unitId, 'unitId')
  const duty = body.duty ?? before.duty
  const active = body.active ?? before.active
  // Only active officers are assigned visits: one who would stop being one must have none open.
  const stopsOfficer = before.duty === 'officer' && (duty !== 'officer' || !active)
  if (stopsOfficer && before.openVisits > 0) throw openVisitsError(officerId, before.openVisits)
  const changes = {
    name: body.name,
    ...(await sealPhone(deps.crypto, 'Officer', officerId, body.phone)),
    unitId: unit.unitId,
    regionCode: unit.regionCode,
    locale: body.locale ?? before.locale,
    duty,
    active,
  }
  const after = { ...before, ...changes }
  await replaceRefused(
    executeTransactWrite(
      store.Officer.build(UpdateTransaction)
        .item({ officerId, ...changes, ...staffIndexKeys(officerId, unit.unitId) })
        .options({
          condition: stopsOfficer
            ? {
                and: [
                  { attr: 'regionCode', eq: before.regionCode },
                  {
                    or: [
                      { attr: 'duty', ne: 'officer' },
                      { attr: 'openVisits', eq: 0 },
                    ],
                  },
                ],
              }
            : { attr: 'regionCode', eq: before.regionCode },
        }),
      auditTransaction(store, {
        subject: auditSubject('officer', officerId),
        actor: actor.id,
        action: 'officer.replaced',
        regionCode: unit.regionCode,
        at: clock.now(),
        before: withoutCipher(before),
        after: withoutCipher(after),
      }),
    ),
    `officer ${officerId}`,
    async () => {
      const now = await readOfficer(deps, officerId)
      if (stopsOfficer && now && now.openVisits > 0) throw openVisitsError(officerId, now.openVisits)
    },
  )
  return phoneView(after)
}

/**
 * Creates the staff record, or replaces it (active, with the duty given) if it exists: for the console, which may
 * be run again for the same person.
 */
export const putOfficer = async (deps: AppDeps, actor: Actor, input: z.infer<typeof officerInput>) =>
  (await readOfficer(deps, input.officerId))
    ? replaceOfficer(deps, actor, input.officerId, input)
    : createOfficer(deps, actor, input)

const readPetitioner = async ({ store }: AppDeps, petitionerId: string) =>
  (await store.Petitioner.build(GetItemCommand).key({ petitionerId }).options({ consistent: true }).send())
    .Item

/** `POST /admin/petitioners`: a new petitioner; 409 if the id exists. */
export const createPetitioner = async (
  deps: AppDeps,
  actor: Actor,
  input: z.infer<typeof petitionerInput>,
) => {
  const { store, clock } = deps
  const unit = await unitOf(deps, actor, input.unitId, 'unitId')
  const before = await readPetitioner(deps, input.petitionerId)
  if (before) throw takenError(actor, 'petitionerId', input.petitionerId, '/admin/petitioners', before)
  const { phone, ...rest } = input
  const petitioner = {
    ...rest,
    ...(await sealPhone(deps.crypto, 'Petitioner', input.petitionerId, phone)),
    regionCode: unit.regionCode,
  }
  await createRefused(
    executeTransactWrite(
      store.Petitioner.build(PutTransaction)
        .item(petitioner)
        .options({ condition: { attr: 'petitionerId', exists: false } }),
      auditTransaction(store, {
        subject: auditSubject('petitioner', input.petitionerId),
        actor: actor.id,
        action: 'petitioner.created',
        regionCode: unit.regionCode,
        at: clock.now(),
        after: withoutCipher(petitioner),
      }),
    ),
    () => readPetitioner(deps, input.petitionerId),
    (existing) => takenError(actor, 'petitionerId', input.petitionerId, '/admin/petitioners', existing),
  )
  return phoneView(petitioner)
}

/**
 * `PUT /admin/petitioners/{petitionerId}`: updates name, phone and unit (and locale when given) of a petitioner of
 * the caller's scope (404 otherwise), on the condition that it is still where it was read.
 */
export const replacePetitioner = async (
  deps: AppDeps,
  actor: Actor,
  petitionerId: string,
  body: z.infer<typeof petitionerReplacement>,
) => {
  const { store, clock } = deps
  sameId('petitionerId', petitionerId, body.petitionerId)
  const before = requireInScopeOrNotFound(
    actor,
    await readPetitioner(deps, petitionerId),
    `petitioner ${petitionerId}`,
  )
  const unit = await unitOf(deps, actor, body.unitId, 'unitId')
  const changes = {
    name: body.name,
    ...(await sealPhone(deps.crypto, 'Petitioner', petitionerId, body.phone)),
    unitId: unit.unitId,
    regionCode: unit.regionCode,
    locale: body.locale ?? before.locale,
  }
  const after = { ...before, ...changes }
  await replaceRefused(
    executeTransactWrite(
      store.Petitioner.build(UpdateTransaction)
        .item({ petitionerId, ...changes })
        .options({ condition: { attr: 'regionCode', eq: before.regionCode } }),
      auditTransaction(store, {
        subject: auditSubject('petitioner', petitionerId),
        actor: actor.id,
        action: 'petitioner.replaced',
        regionCode: unit.regionCode,
        at: clock.now(),
        before: withoutCipher(before),
        after: withoutCipher(after),
      }),
    ),
    `petitioner ${petitionerId}`,
  )
  return phoneView(after)
}

/** Creates the petitioner, or replaces it if it exists: for the demo, which may run again. */
export const putPetitioner = async (deps: AppDeps, actor: Actor, input: z.infer<typeof petitionerInput>) =>
  (await readPetitioner(deps, input.petitionerId))
    ? replacePetitioner(deps, actor, input.petitionerId, input)
    : createPetitioner(deps, actor, input)
