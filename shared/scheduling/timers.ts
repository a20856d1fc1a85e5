// The due-work engine: timers written with the change that needs them, swept into the timers queue with their delay.
import {
  $add,
  $get,
  $remove,
  $subtract,
  executeTransactWrite,
  GetItemCommand,
  PutItemCommand,
  PutTransaction,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  UpdateTransaction,
} from 'dynamodb-toolbox'
import pMap from 'p-map'
import { isConditionRefusal, writeUnlessDone } from '../platform/audit.ts'
import type { AppDeps } from '../platform/deps.ts'
import type { TimerMessage } from './rules/messages.ts'
import {
  addMinutes,
  bucketMinute,
  delaySecondsUntil,
  dueBucket,
  minuteOf,
  minutesBetween,
  shardOf,
  type TimerKind,
} from './rules/timers.ts'

const WATERMARK = 'timers'
/** A timer enqueued but not acted on by due + 5 minutes is swept again: a queue can lose a delayed message. */
const RESWEEP_AFTER_MINUTES = 5
/**
 * A timer sent this many times for its due time (its first send and the re-sweeps after it) without being acted on
 * is given up:
 * its consumer keeps failing, and every further send only adds a copy to the dead-letter queue. It is marked
 * `failed`, leaves the due index, and administrators are warned (`GET /admin/warnings`).
 */
export const MAX_TIMER_SENDS = 6
/** With no watermark yet (a new table), the first sweep reports this far back (it reads every timer due). */
const FIRST_SWEEP_LOOKBACK_MINUTES = 15

export interface NewTimer {
  timerId: string
  kind: TimerKind
  subjectId: string
  dueAt: Date
}

/** Where a timer sits in the due index: a minute bucket and shard, ordered by time within the bucket. */
const dueKeys = (timerId: string, at: Date, shards: number) => ({
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

type TimerRecord = {
  timerId: string
  dueAt: string
  status: string
  enqueuedAt?: string
  attempts?: number
  kind?: string
  subjectId?: string
}

/** Conditional writes in flight at once: DynamoDB Local peaks near 16, DynamoDB itself goes far higher. */
const CLAIM_CONCURRENCY = 16

/**
 * When an enqueued timer is looked at again if it has not been acted on: five minutes after it is due (or after it
 * was enqueued, when that was later). The timer moves to that minute's bucket, so the ordinary sweep finds it.
 */
const recheckAt = (dueAt: string, now: Date) =>
  new Date(Math.max(Date.parse(dueAt), now.getTime()) + RESWEEP_AFTER_MINUTES * 60_000)

/**
 * Claims each timer with a conditional update (pending → enqueued, or enqueued again when its recheck time has
 * come), moving it to its recheck bucket, then sends the claimed ones with their delay. Two sweepers racing: each
 * timer is claimed, and so sent, by one of them. The send count is added to the stored one (ADD), not written from
 * the record the caller read: a caller that knows only the timer's id and due time (enqueueIfSwept) keeps it.
 */
const enqueue = async (deps: AppDeps, timers: TimerRecord[]) => {
  const { store, queues, clock, config } = deps
  const now = clock.now()
  const claimedOrNot = await pMap(
    timers,
    async (timer) => {
      try {
        await store.Timer.build(UpdateItemCommand)
          .item({
            timerId: timer.timerId,
            status: 'enqueued',
            enqueuedAt: now.toISOString(),
            attempts: $add(1),
            ...dueKeys(timer.timerId, recheckAt(timer.dueAt, now), config.TIMER_SHARDS),
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
                : {
                    and: [
                      { attr: 'status', eq: 'enqueued' },
                      { attr: 'enqueuedAt', eq: timer.enqueuedAt ?? '' },
                    ],
                  },
          })
          .send()
        return timer
      } catch (error) {
        if (isConditionRefusal(error)) return undefined // another sweeper claimed it, or it changed meanwhile
        throw error
      }
    },
    { concurrency: CLAIM_CONCURRENCY },
  )
  const claimed = claimedOrNot.filter((t): t is TimerRecord => t !== undefined)
  const batches = Array.from({ length: Math.ceil(claimed.length / 10) }, (_, i) =>
    claimed.slice(i * 10, i * 10 + 10),
  )
  await pMap(
    batches,
    async (batch) => {
      // The delay is counted from the moment of sending, not from the start of the sweep: claiming a thousand
      // timers takes about a second, and every message would arrive that much late.
      const sentAt = clock.now()
      const result = await queues.sendBatch(
        'timers',
        batch.map((t, n) => ({
          id: String(n),
          body: JSON.stringify({ timerId: t.timerId, dueAt: t.dueAt } satisfies TimerMessage),
          delaySeconds: delaySecondsUntil(new Date(t.dueAt), sentAt, config.QUEUE_DELAY_CAP_SECONDS),
        })),
      )
      // A failed entry stays `enqueued` in its recheck bucket and is sent again from there.
      for (const failed of result.failed) {
        deps.logger.warn('timer not enqueued; it will be swept again', { code: failed.code, id: failed.id })
      }
    },
    { concurrency: 4 },
  )
  return claimed.length
}

const failedWarningKey = (timerId: string) => `timer-failed-${timerId}`

/**
 * Gives up a timer sent MAX_TIMER_SENDS times without being acted on: `failed`, out of the due index (conditional
 * on the send the sweeper saw, so a consumer acting meanwhile wins), and one warning to administrators per timer,
 * in one transaction: a timer is never out of the due index without its warning. If the write fails, the timer stays
 * `enqueued` in its recheck bucket and the next sweep gives it up.
 * A message of it redriven from the dead-letter queue after the fault is fixed still fires it.
 */
const giveUp = async (deps: AppDeps, timers: TimerRecord[]) => {
  const { store, clock } = deps
  const now = clock.now()
  const given = await pMap(
    timers,
    async (timer) => {
      try {
        await executeTransactWrite(
          store.Timer.build(UpdateTransaction)
            .item({ timerId: timer.timerId, status: 'failed', gsi2pk: $remove(), gsi2sk: $remove() })
            .options({
              condition: {
                and: [
                  { attr: 'status', eq: 'enqueued' },
                  { attr: 'enqueuedAt', eq: timer.enqueuedAt ?? '' },
                ],
              },
            }),
          store.AdminWarning.build(PutTransaction).item({
            key: failedWarningKey(timer.timerId),
            kind: 'timer-failed',
            message: `Timer ${timer.timerId} (${timer.kind ?? 'unknown kind'} of ${timer.subjectId ?? 'unknown subject'}, due ${timer.dueAt}) was sent ${timer.attempts ?? 0} times and never acted on: its consumer keeps failing. It is no longer sent; fix the fault, then redrive its message from the timers dead-letter queue.`,
            raisedAt: now.toISOString(),
          }),
        )
      } catch (error) {
        if (isConditionRefusal(error)) return false
        throw error
      }
      deps.logger.error('timer given up after repeated sends', {
        timerId: timer.timerId,
        attempts: timer.attempts,
      })
      return true
    },
    { concurrency: CLAIM_CONCURRENCY },
  )
  return given.filter(Boolean).length
}

const readWatermark = async ({ store }: AppDeps) => {
  const { Item } = await store.SweepWatermark.build(GetItemCommand).key({ name: WATERMARK }).send()
  return Item?.sweptThrough
}

/**
 * Timers written inside a window the sweeper has already read are enqueued at once. Their send count is the stored
 * one: the claim adds to it (a new timer has none; a rescheduled one was reset to 0).
 */
export const enqueueIfSwept = async (deps: AppDeps, timers: Pick<NewTimer, 'timerId' | 'dueAt'>[]) => {
  const sweptThrough = await readWatermark(deps)
  // Before the first sweep: it reads every timer due, however old (see sweepDueTimers).
  if (!sweptThrough) return 0
  const late = timers
    .filter((t) => minuteOf(t.dueAt) <= sweptThrough)
    .map((t) => ({ timerId: t.timerId, dueAt: t.dueAt.toISOString(), status: 'pending' }))
  return late.length > 0 ? enqueue(deps, late) : 0
}

/**
 * After a long gap (an outage of hours, a drill that jumps days) reading every minute bucket costs more than one
 * scan of the due index, which is sparse: it holds only timers not yet fired.
 */
const CATCH_UP_SCAN_ABOVE_BUCKETS = 1000

const timersDueThrough = async ({ store }: AppDeps, through: string) => {
  const { Items = [] } = await store.table
    .build(ScanCommand)
    .entities(store.Timer)
    .options({
      index: 'gsi2',
      maxPages: Number.POSITIVE_INFINITY,
      filters: { Timer: { attr: 'gsi2pk', lte: `${dueBucket(through, 99)}` } },
    })
    .send()
  return Items
}

const timersInBucket = async ({ store }: AppDeps, bucket: string) => {
  const { Items = [] } = await store.table
    .build(QueryCommand)
    .entities(store.Timer)
    .query({ index: 'gsi2', partition: bucket })
    .options({ maxPages: Number.POSITIVE_INFINITY })
    .send()
  return Items
}

export interface SweepReport {
  from: string
  through: string
  enqueued: number
  reswept: number
  /** Timers sent MAX_TIMER_SENDS times without being acted on, now `failed`. */
  failed: number
}

/**
 * Reads every shard of every minute bucket from the watermark up to the next minute (so after an outage every
 * missed timer fires, once). Pending timers are enqueued; enqueued ones whose recheck minute has come (not acted on
 * by due + 5 minutes: the queue may have lost the message) are sent again. The minute at the watermark is read once
 * more, because an enqueued timer in the next minute's bucket is not yet due for its recheck when first seen.
 */
export const sweepDueTimers = async (deps: AppDeps): Promise<SweepReport> => {
  const { store, clock, config } = deps
  const now = clock.now()
  const through = minuteOf(new Date(now.getTime() + 60_000))
  const previous = await readWatermark(deps)
  const from = addMinutes(previous ?? minuteOf(now), previous ? -2 : -FIRST_SWEEP_LOOKBACK_MINUTES)
  const buckets = minutesBetween(from, through).flatMap((m) =>
    Array.from({ length: config.TIMER_SHARDS }, (_, shard) => dueBucket(m, shard)),
  )
  // The first sweep of a table reads the whole due index, not only its last minutes: a timer written before it
  // (an event recorded weeks late, planned before the sweeper's first run) would otherwise never be read, and its
  // visit would stay overdue with no flag, no record and no warning.
  const found =
    !previous || buckets.length > CATCH_UP_SCAN_ABOVE_BUCKETS
      ? await timersDueThrough(deps, through)
      : (await pMap(buckets, (b) => timersInBucket(deps, b), { concurrency: CLAIM_CONCURRENCY })).flat()
  const pending = found.filter((t) => t.status === 'pending')
  const current = minuteOf(now)
  const stale = found.filter((t) => t.status === 'enqueued' && bucketMinute(t.gsi2pk ?? '') <= current)
  const exhausted = stale.filter((t) => (t.attempts ?? 0) >= MAX_TIMER_SENDS)
  const enqueued = await enqueue(deps, pending)
  const reswept = await enqueue(
    deps,
    stale.filter((t) => (t.attempts ?? 0) < MAX_TIMER_SENDS),
  )
  const failed = exhausted.length > 0 ? await giveUp(deps, exhausted) : 0
  if (reswept > 0) deps.logger.warn('timers not acted on by due + 5 minutes were enqueued again', { reswept })

  // Refused: a concurrent sweeper moved it as far already.
  await writeUnlessDone(
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
  return { from, through, enqueued, reswept, failed }
}

export const getTimer = async ({ store }: AppDeps, timerId: string) =>
  (await store.Timer.build(GetItemCommand).key({ timerId }).send()).Item

/** Cancels a timer that has not fired: it leaves the due index, and a message already on its way does nothing. */
export const cancelTimer = async (deps: AppDeps, timerId: string) => closeTimer(deps, timerId, 'void')

/**
 * Moves a timer that has not fired to a new due time. A message already enqueued for the old time is ignored by
 * the consumer (its `dueAt` no longer matches); the sweeper enqueues the timer again for the new time. Its send
 * count starts again from 0: MAX_TIMER_SENDS counts the sends for one due time.
 */
export const rescheduleTimer = async (deps: AppDeps, timerId: string, dueAt: Date) => {
  const { store, config } = deps
  const moved = await writeUnlessDone(
    store.Timer.build(UpdateItemCommand)
      .item({
        timerId,
        dueAt: dueAt.toISOString(),
        status: 'pending',
        attempts: 0,
        ...dueKeys(timerId, dueAt, config.TIMER_SHARDS),
      })
      .options({ condition: { attr: 'status', in: ['pending', 'enqueued'] } })
      .send(),
  )
  if (!moved) return false // fired or void already
  await enqueueIfSwept(deps, [{ timerId, dueAt }])
  return true
}

/**
 * A timer delivered before it is due (its delay was capped) goes back to pending in its due bucket: the sweep
 * re-reads the last minutes and sends it again with the delay it needs. That early send is taken off its send
 * count: it was not a failure to act, and must not bring the timer nearer to being given up.
 */
export const returnToPending = async (
  { store, config }: AppDeps,
  timer: { timerId: string; dueAt: string },
) => {
  await writeUnlessDone(
    store.Timer.build(UpdateItemCommand)
      .item({
        timerId: timer.timerId,
        status: 'pending',
        // Never below 0: an enqueued timer was counted when it was claimed (one without a count is taken as 1).
        attempts: $subtract($get('attempts', 1), 1),
        ...dueKeys(timer.timerId, new Date(timer.dueAt), config.TIMER_SHARDS),
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
}

/**
 * Ends a timer (fired, or void when what it was about no longer applies) and takes it out of the due index. A
 * `failed` timer can still end this way: its message redriven from the dead-letter queue once the fault is fixed.
 */
export const closeTimer = async (
  { store, clock }: AppDeps,
  timerId: string,
  status: 'fired' | 'void',
  /** The due time it was fired for: a timer moved since (its visit moved) is not closed for its new time. */
  dueAt?: string,
) => {
  const open: ['pending', 'enqueued', 'failed'] = ['pending', 'enqueued', 'failed']
  try {
    await store.Timer.build(UpdateItemCommand)
      .item({ timerId, status, firedAt: clock.now().toISOString(), gsi2pk: $remove(), gsi2sk: $remove() })
      .options({
        condition: dueAt
          ? {
              and: [
                { attr: 'status', in: open },
                { attr: 'dueAt', eq: dueAt },
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
