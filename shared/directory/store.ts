// The directory's named reads and its saves: units, staff records, petitioners and the links from sign-ins to staff.
// Every key and index value of the directory is made here (and in entities.ts); the actions only name what they
// want. Each save writes its record and its audit entry in one transaction, under the condition the action read.

import type { FormattedItem } from 'dynamodb-toolbox/entity'
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import type { PutItemInput } from 'dynamodb-toolbox/entity/actions/put'
import { ConditionCheck } from 'dynamodb-toolbox/entity/actions/transactCheck'
import { DeleteTransaction } from 'dynamodb-toolbox/entity/actions/transactDelete'
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut'
import { UpdateTransaction } from 'dynamodb-toolbox/entity/actions/transactUpdate'
import { execute as executeTransactWrite } from 'dynamodb-toolbox/entity/actions/transactWrite'
import { $add, $set } from 'dynamodb-toolbox/entity/actions/update/symbols'
import { QueryCommand } from 'dynamodb-toolbox/table/actions/query'
import { type SignIn, sameSignIn } from '../access/rules/roles.ts'
import { type AuditInput, auditTransaction } from '../platform/audit.ts'
import type { Store } from '../platform/table/store.ts'

export type Unit = FormattedItem<Store['Unit']>
export type Officer = FormattedItem<Store['Officer']>
export type Petitioner = FormattedItem<Store['Petitioner']>
export type SignInLink = FormattedItem<Store['SignInLink']>
/** What a save of a new record takes: the record without what the table adds (timestamps, index keys). */
export type NewUnit = PutItemInput<Store['Unit']>
export type NewOfficer = PutItemInput<Store['Officer']>
export type NewPetitioner = PutItemInput<Store['Petitioner']>

/** Reads that must see the write just before them (a create's id check, a replacement's record) ask for it. */
export interface ReadOptions {
  consistent?: boolean
}

/** An eventually consistent read asks for nothing: the request is the one it was before the store named it. */
const readOptions = (consistent: boolean) => (consistent ? { consistent } : {})

export const unitById = async (store: Store, unitId: string, { consistent = false }: ReadOptions = {}) =>
  (await store.Unit.build(GetItemCommand).key({ unitId }).options(readOptions(consistent)).send()).Item

export const officerById = async (
  store: Store,
  officerId: string,
  { consistent = false }: ReadOptions = {},
) =>
  (await store.Officer.build(GetItemCommand).key({ officerId }).options(readOptions(consistent)).send()).Item

export const petitionerById = async (
  store: Store,
  petitionerId: string,
  { consistent = false }: ReadOptions = {},
) =>
  (await store.Petitioner.build(GetItemCommand).key({ petitionerId }).options(readOptions(consistent)).send())
    .Item

/** Whose a sign-in is: the link from an identity provider's account to a staff record. */
export const signInLink = async (
  store: Store,
  issuer: string,
  subject: string,
  { consistent = false }: ReadOptions = {},
) =>
  (
    await store.SignInLink.build(GetItemCommand)
      .key({ issuer, subject })
      .options(readOptions(consistent))
      .send()
  ).Item

/** The staff index of a unit: where the planner and the hand-over find a unit's officers. */
const staffPartition = (unitId: string) => `UNIT#${unitId}#OFFICERS`
const staffIndexKeys = (officerId: string, unitId: string) => ({
  gsi1pk: staffPartition(unitId),
  gsi1sk: `OFFICER#${officerId}`,
})

/** The staff records of one unit (every duty, active or not; one page, as a unit's staff fits in one). */
export const staffOfUnit = async (store: Store, unitId: string) =>
  (
    await store.table
      .build(QueryCommand)
      .entities(store.Officer)
      .query({ index: 'gsi1', partition: staffPartition(unitId) })
      .send()
  ).Items ?? []

/** A new unit, refused (condition) if the id exists meanwhile. */
export const saveNewUnit = (store: Store, unit: NewUnit, audit: AuditInput) =>
  executeTransactWrite(
    store.Unit.build(PutTransaction)
      .item(unit)
      .options({ condition: { attr: 'unitId', exists: false } }),
    auditTransaction(store, audit),
  )

/** A unit replaced as given, on the condition that it is still at the region it was read at. */
export const saveUnit = (store: Store, unit: NewUnit, readAt: { regionCode: string }, audit: AuditInput) =>
  executeTransactWrite(
    store.Unit.build(PutTransaction)
      .item(unit)
      .options({ condition: { attr: 'regionCode', eq: readAt.regionCode } }),
    auditTransaction(store, audit),
  )

/** A new staff record (its unit index follows its unit), refused (condition) if the id exists meanwhile. */
export const saveNewOfficer = (store: Store, officer: NewOfficer, audit: AuditInput) =>
  executeTransactWrite(
    store.Officer.build(PutTransaction)
      .item(officer)
      .options({ condition: { attr: 'officerId', exists: false } }),
    auditTransaction(store, audit),
  )

/** What a replacement of a staff record writes: never the open visits nor the sign-in. */
export interface OfficerChanges {
  name: string
  phoneCipher: string
  phoneIndex: string
  phoneMasked: string
  unitId: string
  regionCode: string
  locale: string
  duty: Officer['duty']
  active: boolean
}

/**
 * The fields of a staff record replaced, and its unit index kept with its unit, on the condition that the record is
 * still at the region it was read at and, when `noOpenVisits`, that it is no officer with a visit open.
 */
export const saveOfficerChanges = (
  store: Store,
  officerId: string,
  changes: OfficerChanges,
  readAt: { regionCode: string; noOpenVisits: boolean },
  audit: AuditInput,
) =>
  executeTransactWrite(
    store.Officer.build(UpdateTransaction)
      .item({ officerId, ...changes, ...staffIndexKeys(officerId, changes.unitId) })
      .options({
        condition: readAt.noOpenVisits
          ? {
              and: [
                { attr: 'regionCode', eq: readAt.regionCode },
                {
                  or: [
                    { attr: 'duty', ne: 'officer' },
                    { attr: 'openVisits', eq: 0 },
                  ],
                },
              ],
            }
          : { attr: 'regionCode', eq: readAt.regionCode },
      }),
    auditTransaction(store, audit),
  )

/** A new petitioner, refused (condition) if the id exists meanwhile. */
export const saveNewPetitioner = (store: Store, petitioner: NewPetitioner, audit: AuditInput) =>
  executeTransactWrite(
    store.Petitioner.build(PutTransaction)
      .item(petitioner)
      .options({ condition: { attr: 'petitionerId', exists: false } }),
    auditTransaction(store, audit),
  )

export interface PetitionerChanges {
  name: string
  phoneCipher: string
  phoneIndex: string
  phoneMasked: string
  unitId: string
  regionCode: string
  locale: string
}

/** The fields of a petitioner replaced, on the condition that it is still at the region it was read at. */
export const savePetitionerChanges = (
  store: Store,
  petitionerId: string,
  changes: PetitionerChanges,
  readAt: { regionCode: string },
  audit: AuditInput,
) =>
  executeTransactWrite(
    store.Petitioner.build(UpdateTransaction)
      .item({ petitionerId, ...changes })
      .options({ condition: { attr: 'regionCode', eq: readAt.regionCode } }),
    auditTransaction(store, audit),
  )

export interface SignInLinkWrite {
  officerId: string
  signIn: SignIn
  /** The sign-in the record kept when it was read, if any: the write is conditioned on it. */
  before: SignIn | undefined
  /** The record whose link is taken over: one that no longer keeps the sign-in (checked again in the write). */
  staleOf: string | undefined
  linkedAt: string
  linkedBy: string
}

/**
 * The record keeps the sign-in, a SignInLink finds the record from it, the record's previous link (if another) is
 * deleted and the audit entry says so, all in one transaction conditioned on what was read.
 */
export const saveSignInLink = (store: Store, link: SignInLinkWrite, audit: AuditInput) => {
  const { officerId, signIn, before, staleOf } = link
  return executeTransactWrite(
    store.Officer.build(UpdateTransaction)
      .item({ officerId, signIn: $set({ issuer: signIn.issuer, subject: signIn.subject }) })
      .options({
        // The record as read, issuer and subject: a concurrent link or relink makes this one fail rather than
        // overwrite it (and leave the link it wrote behind).
        condition: before
          ? {
              and: [
                { attr: 'signIn.issuer', eq: before.issuer },
                { attr: 'signIn.subject', eq: before.subject },
              ],
            }
          : {
              and: [
                { attr: 'officerId', exists: true },
                { attr: 'signIn', exists: false },
              ],
            },
      }),
    store.SignInLink.build(PutTransaction)
      .item({ ...signIn, officerId, linkedAt: link.linkedAt, linkedBy: link.linkedBy })
      .options({
        condition: staleOf
          ? { attr: 'officerId', eq: staleOf }
          : {
              or: [
                { attr: 'officerId', exists: false },
                { attr: 'officerId', eq: officerId },
              ],
            },
      }),
    ...(staleOf
      ? [
          store.Officer.build(ConditionCheck)
            .key({ officerId: staleOf })
            .condition({
              or: [
                { attr: 'signIn', exists: false },
                { attr: 'signIn.issuer', ne: signIn.issuer },
                { attr: 'signIn.subject', ne: signIn.subject },
              ],
            }),
        ]
      : []),
    ...(before && !sameSignIn(before, signIn)
      ? [
          store.SignInLink.build(DeleteTransaction)
            .key(before)
            .options({
              condition: {
                or: [
                  { attr: 'officerId', exists: false },
                  { attr: 'officerId', eq: officerId },
                ],
              },
            }),
        ]
      : []),
    auditTransaction(store, audit),
  )
}

/**
 * A change to an officer's workload, as the visits make it in their own transactions: the open-visit counter moved
 * by `openVisits` (refused, with `mustBeActive`, if the officer has left meanwhile), or the officer marked as left
 * (refused if someone marked it meanwhile). The one place outside the directory's saves that writes a staff record.
 */
export const officerWorkloadWrite = (
  store: Store,
  officerId: string,
  change: { openVisits: number; mustBeActive?: boolean } | { leaves: true },
) => {
  if ('leaves' in change)
    return store.Officer.build(UpdateTransaction)
      .item({ officerId, active: false })
      .options({ condition: { attr: 'active', eq: true } })
  const counter = store.Officer.build(UpdateTransaction).item({
    officerId,
    openVisits: $add(change.openVisits),
  })
  return change.mustBeActive ? counter.options({ condition: { attr: 'active', eq: true } }) : counter
}
