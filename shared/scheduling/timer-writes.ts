// The rest of the due-work engine's store: the writes that move, put back or end a timer, each keeping the due index
// and the send count right, and the timer writes another change puts in its own transaction.

import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut'
import { UpdateTransaction } from 'dynamodb-toolbox/entity/actions/transactUpdate'
import { UpdateItemCommand } from 'dynamodb-toolbox/entity/actions/update'
import { $get, $remove, $subtract } from 'dynamodb-toolbox/entity/actions/update/symbols'
import { isConditionRefusal, writeUnlessDone } from '../platform/audit.ts'
import type { Store } from '../platform/table/store.ts'
import { dueKeys, type NewTimer, timerItem } from './store.ts'

/**
 * Moves a timer that has not fired to a new due time, pending again, its send count back to 0 (MAX_TIMER_SENDS
 * counts the sends for one due time). False when it fired or was voided already.
 */
export const moveTimer = (store: Store, timerId: string, dueAt: Date, shards: number) =>
  writeUnlessDone(
    store.Timer.build(UpdateItemCommand)
      .item({
        timerId,
        dueAt: dueAt.toISOString(),
        status: 'pending',
        attempts: 0,
        ...dueKeys(timerId, dueAt, shards),
      })
      .options({ condition: { attr: 'status', in: ['pending', 'enqueued'] } })
      .send(),
  )

/**
 * An enqueued timer back to pending in its due bucket, its last send taken off its count (never below 0: an
 * enqueued timer was counted when it was claimed; one without a count is taken as 1). Only while it is still
 * enqueued for that due time.
 */
export const putBackToPending = (store: Store, timer: { timerId: string; dueAt: string }, shards: number) =>
  writeUnlessDone(
    store.Timer.build(UpdateItemCommand)
      .item({
        timerId: timer.timerId,
        status: 'pending',
        attempts: $subtract($get('attempts', 1), 1),
        ...dueKeys(timer.timerId, new Date(timer.dueAt), shards),
      })
      .options({
        condition: {
          and: [
            { attr: 'status', eq: 'enqueued' },
            { attr: 'dueAt', eq: timer.dueAt },
          ],
        },
      })
      .send(),
  )

/**
 * Ends a timer that is still open (pending, enqueued, or failed: a message redriven from the dead-letter queue) and
 * takes it out of the due index; with `dueAt`, only if it still has that due time. False when it was not.
 */
export const endTimer = async (
  store: Store,
  timerId: string,
  end: { status: 'fired' | 'void'; at: Date; dueAt?: string },
): Promise<boolean> => {
  const open: ['pending', 'enqueued', 'failed'] = ['pending', 'enqueued', 'failed']
  try {
    await store.Timer.build(UpdateItemCommand)
      .item({
        timerId,
        status: end.status,
        firedAt: end.at.toISOString(),
        gsi2pk: $remove(),
        gsi2sk: $remove(),
      })
      .options({
        condition: end.dueAt
          ? {
              and: [
                { attr: 'status', in: open },
                { attr: 'dueAt', eq: end.dueAt },
              ],
            }
          : { attr: 'status', in: open },
      })
      .send()
    return true
  } catch (error) {
    if (isConditionRefusal(error)) return false
    throw error
  }
}

// Timer writes for another change's transaction (a visit recomputed when its year is loaded)

const stillAt = (dueAt: string) => {
  const active: ('pending' | 'enqueued')[] = ['pending', 'enqueued']
  return {
    and: [
      { attr: 'status', in: active },
      { attr: 'dueAt', eq: dueAt },
    ] as [{ attr: 'status'; in: typeof active }, { attr: 'dueAt'; eq: string }],
  }
}

/** A new timer, in its due bucket, unless one with its id exists. */
export const newTimerWrite = (store: Store, timer: NewTimer, shards: number) =>
  store.Timer.build(PutTransaction)
    .item(timerItem(timer, shards))
    .options({ condition: { attr: 'timerId', exists: false } })

/** A timer still open at `fromDueAt` moved to its new due time, pending with no sends. */
export const moveTimerWrite = (store: Store, timer: NewTimer, fromDueAt: string, shards: number) => {
  const { gsi2pk, gsi2sk, dueAt } = timerItem(timer, shards)
  return store.Timer.build(UpdateTransaction)
    .item({ timerId: timer.timerId, dueAt, status: 'pending', attempts: 0, gsi2pk, gsi2sk })
    .options({ condition: stillAt(fromDueAt) })
}

/** A timer still open at `fromDueAt` voided: it leaves the due index. */
export const voidTimerWrite = (store: Store, timerId: string, fromDueAt: string, at: Date) =>
  store.Timer.build(UpdateTransaction)
    .item({ timerId, status: 'void', firedAt: at.toISOString(), gsi2pk: $remove(), gsi2sk: $remove() })
    .options({ condition: stillAt(fromDueAt) })
