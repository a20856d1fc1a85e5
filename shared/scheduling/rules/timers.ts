// Timers: one item per time-based action, found by the sweeper through sharded minute buckets.
import { createHash } from 'node:crypto'

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

export const dueBucket = (minute: string, shard: number): string =>
  `DUE#${minute}#${String(shard).padStart(2, '0')}`

/** The minute a bucket name stands for: `DUE#2026-11-25T09:00#07` → `2026-11-25T09:00`. */
export const bucketMinute = (bucket: string): string => bucket.slice(4, 20)

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
