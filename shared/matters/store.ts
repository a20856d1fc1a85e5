// The matters' named reads and their saves: a matter, the events recorded on it, and the outbox item that announces
// an event. Every key of a matter is made here (and in entities.ts); each save writes its items, its audit entry and
// (for an event) its outbox item in one transaction, under the condition the action read.

import type { FormattedItem } from 'dynamodb-toolbox/entity'
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import type { PutItemInput } from 'dynamodb-toolbox/entity/actions/put'
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut'
import { UpdateTransaction } from 'dynamodb-toolbox/entity/actions/transactUpdate'
import { execute as executeTransactWrite } from 'dynamodb-toolbox/entity/actions/transactWrite'
import { QueryCommand } from 'dynamodb-toolbox/table/actions/query'
import { type AuditInput, auditTransaction } from '../platform/audit.ts'
import type { Store } from '../platform/table/store.ts'
import { eventKeyOf, type MatterEventMessage } from './rules/events.ts'

export type Matter = FormattedItem<Store['Matter']>
export type MatterEvent = FormattedItem<Store['MatterEvent']>
export type NewMatter = PutItemInput<Store['Matter']>
export type NewMatterEvent = PutItemInput<Store['MatterEvent']>

/** Outbox items are kept a week: long enough for the stream to be replayed, short enough not to pile up. */
const OUTBOX_RETENTION_SECONDS = 7 * 24 * 3600

export const matterById = async (store: Store, matterId: string) =>
  (await store.Matter.build(GetItemCommand).key({ matterId }).send()).Item

/** One event of a matter, by the id its client gave it (or it was given). */
export const eventOfMatter = async (store: Store, matterId: string, eventId: string) =>
  (await store.MatterEvent.build(GetItemCommand).key({ matterId, eventId }).send()).Item

/** The events recorded on a matter (one page), in the order the table keeps them (by event id). */
export const eventsOfMatter = async (store: Store, matterId: string) =>
  (
    await store.table
      .build(QueryCommand)
      .entities(store.MatterEvent)
      .query({ partition: `MATTER#${matterId}`, range: { beginsWith: 'EVENT#' } })
      .send()
  ).Items ?? []

/** A new matter, refused (condition) if the id exists. */
export const saveNewMatter = (store: Store, matter: NewMatter, audit: AuditInput) =>
  executeTransactWrite(
    store.Matter.build(PutTransaction)
      .item(matter)
      .options({ condition: { attr: 'matterId', exists: false } }),
    auditTransaction(store, audit),
  )

export interface MatterEventWrite {
  event: NewMatterEvent
  /** The matter's new status, on the condition that it is still at the version read; the version moves on by one. */
  matter: { matterId: string; status: string; updatedAt: string; readVersion: number }
  /** What the events topic hears (shared/platform/outbox.ts), with the instant the outbox item expires from. */
  message: MatterEventMessage
  now: Date
}

/**
 * An event recorded on a matter: the event (never over one recorded already), the matter's status and version, the
 * audit entry and the outbox item (never over another: the stream hears only new ones), in one transaction.
 */
export const saveMatterEvent = (store: Store, write: MatterEventWrite, audit: AuditInput) => {
  const { event, matter, message, now } = write
  return executeTransactWrite(
    store.MatterEvent.build(PutTransaction)
      .item(event)
      .options({ condition: { attr: 'eventId', exists: false } }),
    store.Matter.build(UpdateTransaction)
      .item({
        matterId: matter.matterId,
        status: matter.status,
        updatedAt: matter.updatedAt,
        version: matter.readVersion + 1,
      })
      .options({ condition: { attr: 'version', eq: matter.readVersion } }),
    auditTransaction(store, audit),
    store.Outbox.build(PutTransaction)
      .item({
        eventId: eventKeyOf({ matterId: message.matterId, eventId: message.eventId }),
        type: message.type,
        regionCode: message.regionCode,
        occurredAt: message.occurredAt,
        payload: message,
        expiresAt: Math.floor(now.getTime() / 1000) + OUTBOX_RETENTION_SECONDS,
      })
      // Never over another item: the stream hears only new ones, an overwrite would be lost.
      .options({ condition: { attr: 'eventId', exists: false } }),
  )
}
