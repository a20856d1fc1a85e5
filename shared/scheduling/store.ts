// The due-work engine's access patterns: the timer item and its place in the due index (minute buckets and shards),
// the sweep's watermark, and every write that moves a timer, each keeping the due index and the send count right.

import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import { PutItemCommand } from 'dynamodb-toolbox/entity/actions/put'
import { UpdateTransaction } from 'dynamodb-toolbox/entity/actions/transactUpdate'
import { execute as executeTransactWrite } from 'dynamodb-toolbox/entity/actions/transactWrite'
import { UpdateItemCommand } from 'dynamodb-toolbox/entity/actions/update'
import { $add, $remove } from 'dynamodb-toolbox/entity/actions/update/symbols'
import { QueryCommand } from 'dynamodb-toolbox/table/actions/query'
import { ScanCommand } from 'dynamodb-toolbox/table/actions/scan'
import { raiseWarningWrite } from '../calendar/store.ts'
import { isConditionRefusal, writeUnlessDone } from '../platform/audit.ts'
import type { Store } from '../platform/table/store.ts'
import { minuteOf, shardOf, type TimerKind, type TimerStatus } from './rules/timers.ts'

/** The due index's partition: a minute bucket and a shard (`DUE#2026-11-25T09:00#07`). */
export const dueBucket = (minute: string, shard: number): string =>
  `DUE#${minute}#${String(shard).padStart(2, '0')}`

/** The minute a bucket name stands for: `DUE#2026-11-25T09:00#07` → `2026-11-25T09:00`. */
export const bucketMinute = (bucket: string): string => bucket.slice(4, 20)

export interface NewTimer {
  timerId: string
  kind: TimerKind
  subjectId: string
  dueAt: Date
}

/** A timer as the sweeper and the consumer see it: no index keys, but the minute of the bucket it sits in. */
export interface DueTimer {
  timerId: string
  kind?: string
  subjectId?: string
  dueAt: string
  status: TimerStatus | string
  enqueuedAt?: string
  attempts?: number
  /** The minute of its due bucket: its due time while pending, its recheck time while enqueued. */
  bucketMinute?: string
}

/**
 * Where a timer sits in the due index: a minute bucket and shard, ordered by time within the bucket (for the
 * store's own writes, here and in timer-writes.ts).
 */
export const dueKeys = (timerId: string, at: Date, shards: number) => ({
  gsi2pk: dueBucket(minuteOf(at), shardOf(timerId, shards)),
  gsi2sk: `${at.toISOString()}#${timerId}`,
})

/** The timer item, in its due bucket; pass it to a PutTransaction next to the change that needs it. */
export const timerItem = (timer: NewTimer, shards: number) => ({
  timerId: timer.timerId,
  kind: timer.kind,
  subjectId: timer.subjectId,
  dueAt: timer.dueAt.toISOString(),
  status: 'pending' as const,
  ...dueKeys(timer.timerId, timer.dueAt, shards),
})

type TimerItem = Awaited<ReturnType<typeof timerById>>

const asDueTimer = ({ gsi2pk, gsi2sk: _, ...timer }: NonNullable<TimerItem>): DueTimer => ({
  ...timer,
  bucketMinute: gsi2pk ? bucketMinute(gsi2pk) : undefined,
})

export const timerById = async (store: Store, timerId: string, options: { consistent?: boolean } = {}) =>
  (await store.Timer.build(GetItemCommand).key({ timerId }).options(options).send()).Item

/** The timers in one shard of one minute's due bucket (only timers not yet fired are in the due index). */
export const timersDueIn = async (store: Store, minute: string, shard: number): Promise<DueTimer[]> => {
  const { Items = [] } = await store.table
    .build(QueryCommand)
    .entities(store.Timer)
    .query({ index: 'gsi2', partition: dueBucket(minute, shard) })
    .options({ maxPages: Number.POSITIVE_INFINITY })
    .send()
  return Items.map(asDueTimer)
}

/**
 * Every timer in the due index with a bucket up to `through` (inclusive), in one scan: after a long gap reading
 * every minute bucket costs more, the index being sparse (it holds only timers not yet fired).
 */
export const timersDueThrough = async (store: Store, through: string): Promise<DueTimer[]> => {
  const { Items = [] } = await store.table
    .build(ScanCommand)
    .entities(store.Timer)
    .options({
      index: 'gsi2',
      maxPages: Number.POSITIVE_INFINITY,
      filters: { Timer: { attr: 'gsi2pk', lte: `${dueBucket(through, 99)}` } },
    })
    .send()
  return Items.map(asDueTimer)
}

const WATERMARK = 'timers'

/** The last minute the sweeper has read through; undefined before its first sweep. */
export const sweptThrough = async (store: Store): Promise<string | undefined> => {
  const { Item } = await store.SweepWatermark.build(GetItemCommand).key({ name: WATERMARK }).send()
  return Item?.sweptThrough
}

/** Moves the watermark forward, never back: refused when a concurrent sweeper moved it as far already. */
export const advanceWatermark = (store: Store, through: string, now: Date) =>
  writeUnlessDone(
    store.SweepWatermark.build(PutItemCommand)
      .item({ name: WATERMARK, sweptThrough: through, updatedAt: now.toISOString() })
      .options({
        condition: {
          or: [
            { attr: 'sweptThrough', exists: false },
            { attr: 'sweptThrough', lt: through },
          ],
        },
      })
      .send(),
  )

/** Still enqueued from the send the sweeper saw (a consumer acting, or another sweeper claiming, changes it). */
const sameSend = (timer: Pick<DueTimer, 'enqueuedAt'>) => ({
  and: [
    { attr: 'status', eq: 'enqueued' } as const,
    { attr: 'enqueuedAt', eq: timer.enqueuedAt ?? '' } as const,
  ],
})

/**
 * Claims a timer for a send with a conditional update (pending → enqueued, or enqueued again when its recheck time
 * has come), moving it to its recheck bucket. Two sweepers racing: each timer is claimed by one of them. The send
 * count is added to the stored one (ADD), not written from the record the caller read: a caller that knows only the
 * timer's id and due time (enqueueIfSwept) keeps it. False when another claimed it or it changed meanwhile.
 */
export const claimTimer = async (
  store: Store,
  timer: Pick<DueTimer, 'timerId' | 'dueAt' | 'status' | 'enqueuedAt'>,
  at: { now: Date; recheckAt: Date; shards: number },
): Promise<boolean> => {
  try {
    await store.Timer.build(UpdateItemCommand)
      .item({
        timerId: timer.timerId,
        status: 'enqueued',
        enqueuedAt: at.now.toISOString(),
        attempts: $add(1),
        ...dueKeys(timer.timerId, at.recheckAt, at.shards),
      })
      .options({
        condition:
          timer.status === 'pending'
            ? {
                and: [
                  { attr: 'status', eq: 'pending' },
                  { attr: 'dueAt', eq: timer.dueAt },
                ],
              }
            : sameSend(timer),
      })
      .send()
    return true
  } catch (error) {
    if (isConditionRefusal(error)) return false
    throw error
  }
}

const failedWarningPrefix = 'timer-failed-'

/** The timer a `timer-failed` warning is about, from the warning's key. */
export const timerOfFailedWarning = (warningKey: string): string | undefined =>
  warningKey.startsWith(failedWarningPrefix) ? warningKey.slice(failedWarningPrefix.length) : undefined

/**
 * Gives up a timer: `failed` and out of the due index (conditional on the send the sweeper saw, so a consumer acting
 * meanwhile wins), with one warning to administrators per timer, in one transaction: a timer is never out of the
 * due index without its warning. False when the timer changed meanwhile.
 */
export const giveUpTimer = async (
  store: Store,
  timer: Pick<DueTimer, 'timerId' | 'enqueuedAt'>,
  warning: { message: string; raisedAt: Date },
): Promise<boolean> => {
  try {
    await executeTransactWrite(
      store.Timer.build(UpdateTransaction)
        .item({ timerId: timer.timerId, status: 'failed', gsi2pk: $remove(), gsi2sk: $remove() })
        .options({ condition: sameSend(timer) }),
      raiseWarningWrite(store, {
        key: `${failedWarningPrefix}${timer.timerId}`,
        kind: 'timer-failed',
        message: warning.message,
        raisedAt: warning.raisedAt.toISOString(),
      }),
    )
    return true
  } catch (error) {
    if (isConditionRefusal(error)) return false
    throw error
  }
}
