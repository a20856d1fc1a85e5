// The delivery state machine of one notification: which status may follow which, what a provider's failure leads to,
// how long failures are retried and how far apart. Pure: the clock's reading and the jitter are passed in.
import type { SmsErrorKind } from '../sms/port.ts'

export const notificationStatuses = [
  'queued',
  'deferred',
  'sending',
  'retrying',
  'sent',
  'suppressed',
  'failed',
  'unknown',
] as const
export type NotificationStatus = (typeof notificationStatuses)[number]

/**
 * Which status may follow which. `sending` is written right before the provider is called; a delivery that finds it
 * asks the provider (or logs `unknown`) and, if the provider never got it, goes on as from `queued`. `unknown` leaves
 * only by a person's decision (sent, or queued again to resend); `sent`, `suppressed` and `failed` never.
 */
export const nextStatuses: Readonly<Record<NotificationStatus, readonly NotificationStatus[]>> = {
  queued: ['deferred', 'suppressed', 'sending'],
  deferred: ['queued'],
  sending: ['sent', 'unknown', 'failed', 'retrying', 'suppressed', 'deferred', 'sending'],
  retrying: ['deferred', 'suppressed', 'sending'],
  sent: [],
  suppressed: [],
  failed: [],
  unknown: ['sent', 'queued'],
}

export const mayFollow = (from: NotificationStatus, to: NotificationStatus): boolean =>
  nextStatuses[from].includes(to)

/** Statuses the dispatcher does not move on from: a delivery that finds one does nothing. */
export const finalStatuses = ['sent', 'suppressed', 'unknown', 'failed'] as const
export const isFinal = (status: string): boolean => (finalStatuses as readonly string[]).includes(status)

/** The statuses in which a queue message of the notification should be on its way. */
export const inFlightStatuses = ['queued', 'retrying', 'sending'] as const
export const isInFlight = (status: string): boolean =>
  (inFlightStatuses as readonly string[]).includes(status)

/** What a delivery does first, by the status it finds. */
export const firstStep = (
  status: NotificationStatus,
): 'already-final' | 'deferred' | 'reconcile' | 'send' => {
  if (isFinal(status)) return 'already-final'
  // A deferred one waits for its timer, which queues it again when quiet hours end.
  if (status === 'deferred') return 'deferred'
  // This attempt may have reached the provider.
  if (status === 'sending') return 'reconcile'
  return 'send'
}

/** Petitioners' non-urgent SMS wait for the end of quiet hours; officers' operational reminders never do. */
export const heldByQuietHours = (n: { recipientType: 'officer' | 'petitioner'; urgent: boolean }): boolean =>
  n.recipientType === 'petitioner' && !n.urgent

/**
 * How long throttled or transient provider failures are retried, from the notification's latest `queued` (its
 * creation, the end of quiet hours, or a resend): the notifications queue's message retention (the SQS default,
 * 4 days). Attempts themselves have no cap.
 */
export const RETRY_WINDOW_MS = 4 * 24 * 3600 * 1000

/** The log's detail of a `queued` entry written by a person's resend decision. */
export const RESEND_DETAIL = 'resend decided'

export interface LogEntry {
  at: string
  status: string
  detail?: string
}

/** One entry of the delivery log. */
export const logEntry = (now: Date, status: string, detail?: string): LogEntry[] => [
  { at: now.toISOString(), status, ...(detail ? { detail } : {}) },
]

/**
 * Counted from the notification's creation, or from a person's latest resend decision (which gets a window of its
 * own). Not from the end of quiet hours: a petitioner's SMS deferred every night would otherwise never give up.
 */
export const retryWindowStart = (n: { createdAt: string; log: readonly LogEntry[] }): string =>
  n.log.findLast((e) => e.status === 'queued' && e.detail?.startsWith(RESEND_DETAIL))?.at ?? n.createdAt

export const withinRetryWindow = (n: { createdAt: string; log: readonly LogEntry[] }, now: Date): boolean =>
  now.getTime() - Date.parse(retryWindowStart(n)) < RETRY_WINDOW_MS

/** The longest back-off between two attempts (the SQS DelaySeconds maximum), before the jitter. */
export const MAX_BACKOFF_SECONDS = 900
/** The jitter adds 0, 1 or 2 seconds. */
export const MAX_JITTER_SECONDS = 2

/**
 * Seconds before the next try after the attempt-th failure: doubling, at most 15 minutes, with a little jitter.
 * `jitter` is a number in [0, 1) (Math.random() in production).
 */
export const backoffSeconds = (attempt: number, jitter: number): number =>
  Math.min(MAX_BACKOFF_SECONDS, 2 ** Math.min(attempt, 10)) + Math.floor(jitter * (MAX_JITTER_SECONDS + 1))

/**
 * What a failed provider call leads to. `uncertain` (no answer: the provider may have taken it) is reconciled first,
 * never resent blindly; once the provider says it did not take it (`notTaken`), it is retried as a transient failure.
 * A permanent refusal fails at once; a throttled or transient one is retried until the retry window closes.
 */
export const afterProviderFailure = (
  kind: SmsErrorKind,
  withinWindow: boolean,
  notTaken = false,
): 'reconcile' | 'fail' | 'give-up' | 'retry' => {
  if (kind === 'uncertain' && !notTaken) return 'reconcile'
  if (kind === 'permanent') return 'fail'
  if (!withinWindow) return 'give-up'
  return 'retry'
}

/** How a retry names the failure it follows in the delivery log. */
export const failureLabel = (kind: SmsErrorKind): string =>
  kind === 'uncertain' ? 'not taken by the provider' : kind

/**
 * An officer's reminder whose topic publish failed comes back for the topic alone unless the SMS itself is coming back
 * (retrying or throttled) anyway.
 */
export const topicNeedsOwnRetry = (topic: 'published' | 'failed' | undefined, outcome: string): boolean =>
  topic === 'failed' && outcome !== 'retrying' && outcome !== 'throttled'

/** The log's detail of the `queued` entry written when quiet hours end. */
export const RELEASED_DETAIL = 'quiet hours over'

/** Released already but still `queued`: the message after the release may not have been sent. */
export const releasedAwaitingMessage = (n: { status: string; log: readonly LogEntry[] }): boolean =>
  n.status === 'queued' && n.log.at(-1)?.detail === RELEASED_DETAIL

/** One release timer per release minute: released into hours still quiet (the end moved later), it is deferred anew. */
export const releaseTimerId = (notificationId: string, until: Date): string =>
  `defer-${notificationId}-${until.toISOString().slice(0, 16)}`
