// The notification item and its delivery log: read by id, written once, moved from status to status with its index
// keys kept right in one place, and the sweeper's and the regions' lists read by name.

import type { FormattedItem } from 'dynamodb-toolbox/entity'
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import type { Condition } from 'dynamodb-toolbox/entity/actions/parseCondition'
import { PutItemCommand } from 'dynamodb-toolbox/entity/actions/put'
import { UpdateTransaction } from 'dynamodb-toolbox/entity/actions/transactUpdate'
import { execute as executeTransactWrite } from 'dynamodb-toolbox/entity/actions/transactWrite'
import { UpdateItemCommand } from 'dynamodb-toolbox/entity/actions/update'
import { $append, $remove } from 'dynamodb-toolbox/entity/actions/update/symbols'
import { QueryCommand } from 'dynamodb-toolbox/table/actions/query'
import { significantPrefix } from '../../access/rules/region-scope.ts'
import { type AuditInput, auditSubject, auditTransaction, writeUnlessDone } from '../../platform/audit.ts'
import type { Store } from '../../platform/table/store.ts'
import { isInFlight, type LogEntry, type NotificationStatus } from '../rules/delivery.ts'
import { inFlightKeys, inFlightPartition, unknownIndexKeys, unknownPartition } from './keys.ts'

export type Notification = FormattedItem<Store['Notification']>

/** A notification as first written; its status, attempts, log and index keys are the store's business. */
export type NewNotification = Omit<
  Notification,
  'status' | 'attempts' | 'log' | 'gsi2pk' | 'gsi2sk' | 'gsi3pk' | 'gsi3sk' | 'topic' | 'topicMessageId'
>

export const notificationById = async (store: Store, notificationId: string) =>
  (await store.Notification.build(GetItemCommand).key({ notificationId }).send()).Item

/**
 * Writes the notification `queued`, unless it exists: false when it does. It is in the sweeper's in-flight list until
 * dispatched, so that a crash before its message is sent is found and queued again.
 */
export const createNotification = (store: Store, n: NewNotification, now: Date) =>
  writeUnlessDone(
    store.Notification.build(PutItemCommand)
      .item({
        ...n,
        status: 'queued',
        attempts: 0,
        log: [{ at: now.toISOString(), status: 'queued' }],
        ...inFlightKeys(n.notificationId, now),
      })
      .options({ condition: { attr: 'notificationId', exists: false } })
      .send(),
  )

/** The index keys that go with a status: in flight (due when its next message is), unknown, or neither. */
const indexKeysFor = (
  notificationId: string,
  regionCode: string,
  status: NotificationStatus,
  dueAt: Date,
) => ({
  ...(isInFlight(status) ? inFlightKeys(notificationId, dueAt) : { gsi2pk: $remove(), gsi2sk: $remove() }),
  ...(status === 'unknown'
    ? unknownIndexKeys(regionCode, notificationId)
    : { gsi3pk: $remove(), gsi3sk: $remove() }),
})

export interface Move {
  status: NotificationStatus
  /** Other attributes the move sets (attempts, sentAt, providerMessageId). */
  changes?: { attempts?: number; sentAt?: string; providerMessageId?: string }
  log: LogEntry[]
  /** The status the notification must still have, and its attempts when given. */
  expected: { status: NotificationStatus; attempts?: number }
  /** When its next message is due: its place in the in-flight list, for a move into an in-flight status. */
  messageDueAt: Date
}

const moveItem = (n: Pick<Notification, 'notificationId' | 'regionCode'>, move: Move) => ({
  notificationId: n.notificationId,
  status: move.status,
  ...move.changes,
  ...indexKeysFor(n.notificationId, n.regionCode, move.status, move.messageDueAt),
  log: $append(move.log),
})

const expectedCondition = ({ status, attempts }: Move['expected']): Condition<Store['Notification']> =>
  attempts === undefined
    ? { attr: 'status', eq: status }
    : {
        and: [
          { attr: 'status', eq: status },
          { attr: 'attempts', eq: attempts },
        ],
      }

/** Moves the notification on, appending to its log, provided it is still as expected; false when it is not. */
export const moveNotification = (
  store: Store,
  n: Pick<Notification, 'notificationId' | 'regionCode'>,
  move: Move,
): Promise<boolean> =>
  writeUnlessDone(
    store.Notification.build(UpdateItemCommand)
      .item(moveItem(n, move))
      .options({ condition: expectedCondition(move.expected) })
      .send(),
  )

/**
 * A person's move of the notification, in one transaction with its audit entry (filed under the notification).
 * Throws the refusal when the notification is no longer as expected.
 */
export const moveNotificationAudited = async (
  store: Store,
  n: Pick<Notification, 'notificationId' | 'regionCode'>,
  move: Move,
  audit: Omit<AuditInput, 'subject'>,
) => {
  await executeTransactWrite(
    store.Notification.build(UpdateTransaction)
      .item(moveItem(n, move))
      .options({ condition: expectedCondition(move.expected) }),
    auditTransaction(store, { ...audit, subject: auditSubject('notification', n.notificationId) }),
  )
}

/** Records the officers' topic's outcome; false when another dispatcher recorded it published meanwhile. */
export const recordTopic = (
  store: Store,
  notificationId: string,
  topic: { topic: 'published' | 'failed'; topicMessageId?: string },
  log: LogEntry[],
) =>
  writeUnlessDone(
    store.Notification.build(UpdateItemCommand)
      .item({ notificationId, ...topic, log: $append(log) })
      .options({
        condition: {
          or: [
            { attr: 'topic', exists: false },
            { attr: 'topic', ne: 'published' },
          ],
        },
      })
      .send(),
  )

/** The notifications of one shard of the in-flight list whose message was due before `before` (an ISO instant). */
export const inFlightNotifications = async (store: Store, shard: number, before: string) => {
  const { Items = [] } = await store.table
    .build(QueryCommand)
    .entities(store.Notification)
    .query({ index: 'gsi2', partition: inFlightPartition(shard), range: { lt: before } })
    .options({ maxPages: Number.POSITIVE_INFINITY })
    .send()
  return Items
}

/**
 * Claims an in-flight notification for a new message by moving its entry to `now`, provided its entry and status are
 * still those read: false when it was dispatched meanwhile, or another sweeper claimed it.
 */
export const claimInFlight = (
  store: Store,
  n: Pick<Notification, 'notificationId' | 'status' | 'gsi2sk'>,
  now: Date,
) =>
  writeUnlessDone(
    store.Notification.build(UpdateItemCommand)
      .item({ notificationId: n.notificationId, ...inFlightKeys(n.notificationId, now) })
      .options({
        condition: {
          and: [
            { attr: 'gsi2sk', eq: n.gsi2sk ?? '' },
            { attr: 'status', eq: n.status },
          ],
        },
      })
      .send(),
  )

/** A region's notifications logged `unknown`, from its province's list (the region and every region below it). */
export const unknownNotificationsOfRegion = async (store: Store, regionCode: string) => {
  const { Items = [] } = await store.table
    .build(QueryCommand)
    .entities(store.Notification)
    .query({
      index: 'gsi3',
      partition: unknownPartition(regionCode),
      range: { beginsWith: significantPrefix(regionCode) },
    })
    .options({ maxPages: Number.POSITIVE_INFINITY })
    .send()
  return Items.filter((n) => n.status === 'unknown')
}
