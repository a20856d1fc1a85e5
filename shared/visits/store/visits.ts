// The visits' named access patterns, and the one place that builds a change to visits: each visit's index keys and
// version, and its officers' open-visit counters, follow from what changes.

import type { FormattedItem, InputItem } from 'dynamodb-toolbox/entity'
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import { ConditionCheck } from 'dynamodb-toolbox/entity/actions/transactCheck'
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut'
import { UpdateTransaction } from 'dynamodb-toolbox/entity/actions/transactUpdate'
import { UpdateItemCommand } from 'dynamodb-toolbox/entity/actions/update'
import { $add, $append, $remove, $set } from 'dynamodb-toolbox/entity/actions/update/symbols'
import { QueryCommand } from 'dynamodb-toolbox/table/actions/query'
import * as z from 'zod'
import { officerWorkloadWrite } from '../../directory/store.ts'
import { writeUnlessDone } from '../../platform/audit.ts'
import type { Store } from '../../platform/table/store.ts'
import {
  closedVisitIndexKeys,
  matterVisitsPartition,
  officerVisitsPartition,
  visitIndexKeys,
  visitStateKeys,
} from '../entities.ts'
import type { Attempt } from '../rules/outcome.ts'
import type { Write } from './writes.ts'

export type Visit = FormattedItem<Store['Visit']>
export type NewVisit = InputItem<Store['Visit']>

export const findVisit = async (store: Store, visitId: string, options: { consistent?: boolean } = {}) =>
  (await store.Visit.build(GetItemCommand).key({ visitId }).options(options).send()).Item

const planned = { Visit: { attr: 'status', eq: 'planned' } } as const

/** An officer's open visits, oldest due first: every one, or one page of `limit` after `startKey`. */
export const openVisitsOfOfficer = async (
  store: Store,
  officerId: string,
  page?: { limit: number; startKey?: Record<string, string> },
) => {
  const { Items = [], LastEvaluatedKey } = await store.table
    .build(QueryCommand)
    .entities(store.Visit)
    .query({ index: 'gsi1', partition: officerVisitsPartition(officerId) })
    .options(
      page
        ? { limit: page.limit, exclusiveStartKey: page.startKey, filters: planned }
        : { maxPages: Number.POSITIVE_INFINITY, filters: planned },
    )
    .send()
  return { visits: Items, next: LastEvaluatedKey }
}

/** The visits of a matter (of one of its events, when given), in any state: the matter's own collection (gsi5). */
export const visitsOfMatter = async (
  store: Store,
  matterId: string,
  options: { triggerEventId?: string } = {},
) => {
  const { Items = [] } = await store.table
    .build(QueryCommand)
    .entities(store.Visit)
    .query({ index: 'gsi5', partition: matterVisitsPartition(matterId) })
    .options({
      maxPages: Number.POSITIVE_INFINITY,
      ...(options.triggerEventId
        ? { filters: { Visit: { attr: 'triggerEventId', eq: options.triggerEventId } } }
        : {}),
    })
    .send()
  return Items
}

/** The shape of the resume key of an officer's open visits (gsi1): a cursor is taken back only in this shape. */
export const openVisitsResumeKey = (officerId: string) =>
  z.strictObject({
    pk: z.string().regex(/^VISIT#[^#]+$/),
    sk: z.literal('VISIT'),
    gsi1pk: z.literal(officerVisitsPartition(officerId)),
    gsi1sk: z.string().regex(/^[^#]+#[^#]+$/),
  })

/** Keeps an SMS on the visit it is about, so that its officer sees what became of it. Idempotent (a set). */
export const noteSmsOnVisit = async (store: Store, visitId: string, notificationId: string) => {
  await writeUnlessDone(
    store.Visit.build(UpdateItemCommand)
      .item({ visitId, sms: $add(new Set([notificationId])) })
      .options({ condition: { attr: 'visitId', exists: true } })
      .send(),
  )
}

/** What an action may change on a visit; the rest (index keys, version, counters) follows in saveVisits. */
export interface VisitChange {
  status?: 'planned' | 'completed' | 'cancelled'
  completedAt?: string
  completedOnTime?: boolean
  /** The outcome form without its private text, written whole. */
  outcome?: unknown
  outcomeCipher?: string
  /** An attempt that did not reach the petitioner, added to those kept. */
  attempt?: Attempt
  officerId?: string
  unitId?: string
  dueDate?: string
  dueAt?: string
  provisional?: boolean
  reminderCount?: number
  appointmentAt?: string
  appointmentNotificationId?: string
  cancelReason?: string
}

/**
 * The writes of one change to visits: new visits (refused if already there), changed visits (refused if changed
 * meanwhile: their version moves on), each in the index partitions of its new state, and the officers' open-visit
 * counters moved by the net change (one write per officer: a transaction writes an item once).
 * `newOfficerActive`: the officers given visits must still be active (the planner's check that none has left).
 */
export const saveVisits = (
  store: Store,
  change: { added?: readonly NewVisit[]; changed?: readonly { visit: Visit; change: VisitChange }[] },
  options: { newOfficerActive?: boolean } = {},
): Write[] => {
  const openDelta = new Map<string, number>()
  const count = (officerId: string, n: number) =>
    openDelta.set(officerId, (openDelta.get(officerId) ?? 0) + n)
  const puts = (change.added ?? []).map((visit) => {
    if (visit.status === 'planned') count(visit.officerId, 1)
    return store.Visit.build(PutTransaction)
      .item(visit)
      .options({ condition: { attr: 'visitId', exists: false } })
  })
  const updates = (change.changed ?? []).map(({ visit, change: c }) => {
    const { outcome, attempt, ...fields } = c
    const set = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))
    const after = { ...visit, ...set }
    const wasOpen = visit.status === 'planned'
    const isOpen = after.status === 'planned'
    if (wasOpen) count(visit.officerId, -1)
    if (isOpen) count(after.officerId, 1)
    const indexKeys =
      wasOpen && !isOpen
        ? {
            ...closedVisitIndexKeys(after),
            ...(visitStateKeys(after) ?? { gsi6pk: $remove(), gsi6sk: $remove() }),
          }
        : isOpen && (set.officerId !== undefined || set.dueAt !== undefined)
          ? { ...visitIndexKeys(after), ...visitStateKeys(after) }
          : {}
    return store.Visit.build(UpdateTransaction)
      .item({
        visitId: visit.visitId,
        ...set,
        ...(outcome !== undefined ? { outcome: $set(outcome) } : {}),
        ...(attempt ? { unreached: $append([attempt]) } : {}),
        ...indexKeys,
        version: visit.version + 1,
      })
      .options({ condition: { attr: 'version', eq: visit.version } })
  })
  const counters = [...openDelta]
    .filter(([, n]) => n !== 0)
    .map(([officerId, n]) =>
      officerWorkloadWrite(store, officerId, {
        openVisits: n,
        mustBeActive: options.newOfficerActive === true && n > 0,
      }),
    )
  return [...puts, ...updates, ...counters]
}

/**
 * A provisional visit dated again when its year's calendar is loaded (refused if it changed meanwhile): its new due
 * day, its provisional mark and reminder count, and its index keys with them. Its officer's count is unchanged.
 */
export const redatedVisitWrite = (
  store: Store,
  visit: Visit,
  after: { dueDate: string; dueAt: string; provisional: boolean; reminderCount: number },
) => {
  const redated = { ...visit, ...after }
  return store.Visit.build(PutTransaction)
    .item({ ...redated, version: visit.version + 1, ...visitIndexKeys(redated), ...visitStateKeys(redated) })
    .options({ condition: { attr: 'version', eq: visit.version } })
}

/** A visit left as it is, on the condition that it has not changed since it was read. */
export const visitUnchangedCheck = (store: Store, visit: Pick<Visit, 'visitId' | 'version'>) =>
  store.Visit.build(ConditionCheck)
    .key({ visitId: visit.visitId })
    .condition({ attr: 'version', eq: visit.version })
