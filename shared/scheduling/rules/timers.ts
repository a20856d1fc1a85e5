// Timers: one item per time-based action, found by the sweeper through sharded minute buckets.
import { createHash } from 'node:crypto'

/**
 * The kinds a timer may be written with (its `kind`, as stored). Each has a handler in the timer consumer's registry
 * (functions/scheduling/fire.ts): the registry is typed by this list, so a kind without a handler does not compile.
 */
export const timerKinds = [
  'visit-reminder',
  'visit-overdue-supervisor',
  'visit-overdue-accountability',
  'deferred-sms',
] as const
export type TimerKind = (typeof timerKinds)[number]
export type TimerStatus = 'pending' | 'enqueued' | 'fired' | 'void' | 'failed'

/** `2026-11-25T09:00`: the UTC minute an instant falls in. */
export const minuteOf = (instant: Date): string => instant.toISOString().slice(0, 16)

export const addMinutes = (minute: string, n: number): string =>
  minuteOf(new Date(Date.parse(`${minute}:00.000Z`) + n * 60_000))

export const shardOf = (timerId: string, shards: number): number =>
  createHash('sha1').update(timerId).digest().readUInt32BE(0) % shards

/** The minutes from `after` (exclusive) to `through` (inclusive), oldest first. */
export const minutesBetween = (after: string, through: string): string[] => {
  const minutes: string[] = []
  for (let m = addMinutes(after, 1); m <= through; m = addMinutes(m, 1)) minutes.push(m)
  return minutes
}

/**
 * DelaySeconds for a timer: the whole seconds until due, rounded down, never negative, never above the queue's cap.
 * Rounded down, the message arrives up to a second early and the consumer waits out the rest (rounded up, every
 * timer would be up to a second late).
 */
export const delaySecondsUntil = (dueAt: Date, now: Date, cap: number): number =>
  Math.min(cap, Math.max(0, Math.floor((dueAt.getTime() - now.getTime()) / 1000)))

/** A timer delivered at most this early is acted on once its due time has come; earlier, it goes back to wait. */
export const EARLY_DELIVERY_MS = 1000

/** A timer enqueued but not acted on by due + 5 minutes is swept again: a queue can lose a delayed message. */
export const RESWEEP_AFTER_MINUTES = 5

/**
 * A timer sent this many times for its due time (its first send and the re-sweeps after it) without being acted on
 * is given up:
 * its consumer keeps failing, and every further send only adds a copy to the dead-letter queue. It is marked
 * `failed`, leaves the due index, and administrators are warned (`GET /admin/warnings`).
 */
export const MAX_TIMER_SENDS = 6

/** With no watermark yet (a new table), the first sweep reports this far back (it reads every timer due). */
export const FIRST_SWEEP_LOOKBACK_MINUTES = 15

/**
 * When an enqueued timer is looked at again if it has not been acted on: five minutes after it is due (or after it
 * was enqueued, when that was later). The timer moves to that minute's bucket, so the ordinary sweep finds it.
 */
export const recheckAt = (dueAt: string, now: Date): Date =>
  new Date(Math.max(Date.parse(dueAt), now.getTime()) + RESWEEP_AFTER_MINUTES * 60_000)

/**
 * The minutes a sweep reads: from the watermark up to the next minute (so after an outage every missed timer fires,
 * once). The minute at the watermark is read once more, because an enqueued timer in the next minute's bucket is
 * not yet due for its recheck when first seen.
 */
export const sweepWindow = (now: Date, sweptThrough: string | undefined) => ({
  from: addMinutes(sweptThrough ?? minuteOf(now), sweptThrough ? -2 : -FIRST_SWEEP_LOOKBACK_MINUTES),
  through: minuteOf(new Date(now.getTime() + 60_000)),
})

/** A timer written with its due minute inside a window already swept must be enqueued at once. */
export const dueInSweptWindow = (dueAt: Date, sweptThrough: string | undefined): boolean =>
  sweptThrough !== undefined && minuteOf(dueAt) <= sweptThrough

/** What administrators are told about a timer given up. */
export const failedTimerMessage = (timer: {
  timerId: string
  kind?: string
  subjectId?: string
  dueAt: string
  attempts?: number
}) =>
  `Timer ${timer.timerId} (${timer.kind ?? 'unknown kind'} of ${timer.subjectId ?? 'unknown subject'}, due ${timer.dueAt}) was sent ${timer.attempts ?? 0} times and never acted on: its consumer keeps failing. It is no longer sent; fix the fault, then redrive its message from the timers dead-letter queue.`

/**
 * Why a message of a timer must not act: the timer ended, or it was sent for a due time the timer no longer has
 * (rescheduled since: the message of its new time acts, not this). Undefined when it may act.
 */
export const staleReason = (timer: { status: string; dueAt: string }, messageDueAt: string) => {
  if (timer.status === 'fired' || timer.status === 'void') return `already ${timer.status}`
  if (Date.parse(messageDueAt) !== Date.parse(timer.dueAt))
    return `rescheduled from ${messageDueAt} to ${timer.dueAt}`
  return undefined
}
