// Notifications: written once per cause (the id says which), queued, then dispatched: held for quiet hours,
// suppressed for an opted-out number, sent once through the SMS port, and every step in the delivery log.
import { randomUUID } from 'node:crypto'
import {
  $append,
  $remove,
  type FormattedItem,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from 'dynamodb-toolbox'
import { regionAncestry, regionIndexKeys } from '../access/rules/region-scope.ts'
import { isConditionRefusal, writeUnlessDone } from '../platform/audit.ts'
import { openPhone, sealPhone } from '../platform/crypto/personal-data.ts'
import type { AppDeps } from '../platform/deps.ts'
import type { NotificationMessage } from '../scheduling/rules/messages.ts'
import { enqueueIfSwept, timerItem } from '../scheduling/timers.ts'
import { inFlightKeys } from './rules/in-flight.ts'
import { maskProviderText } from './rules/provider-text.ts'
import { defaultQuietHours, isQuiet, nextAllowedInstant } from './rules/quiet-hours.ts'
import type { TemplateName } from './rules/templates.ts'
import { takeSendSlot } from './send-rate.ts'
import { smsErrorKind } from './sms/port.ts'
import { renderFor } from './templates.ts'

/**
 * How long throttled or transient provider failures are retried, from the notification's latest `queued` (its
 * creation, the end of quiet hours, or a resend): the notifications queue's message retention (the SQS default,
 * 4 days). Attempts themselves have no cap.
 */
export const RETRY_WINDOW_MS = 4 * 24 * 3600 * 1000
/** The longest back-off between two attempts (the SQS DelaySeconds maximum). */
const MAX_BACKOFF_SECONDS = 900

export interface NotificationRequest {
  notificationId: string
  recipientType: 'officer' | 'petitioner'
  recipientId: string
  regionCode: string
  /** E.164; stored encrypted. */
  phone: string
  locale: string
  template: TemplateName
  params: Record<string, string>
  /** Not held by quiet hours. Officers' operational reminders are never held, urgent or not. */
  urgent?: boolean
}

type LogEntry = { at: string; status: string; detail?: string }

/** Queues a notification for the dispatcher (a fresh `delivery` for a deliberate requeue). */
export const sendMessage = async (
  { queues, config }: AppDeps,
  message: NotificationMessage,
  delaySeconds = 0,
) => {
  await queues.send(
    'notifications',
    JSON.stringify(message),
    Math.min(delaySeconds, config.QUEUE_DELAY_CAP_SECONDS),
  )
}

/** Writes the notification if it is new and queues it; a second call for the same id only queues it again. */
export const queueNotification = async (deps: AppDeps, request: NotificationRequest) => {
  const { store, clock } = deps
  const now = clock.now().toISOString()
  const { phone, ...rest } = request
  await writeUnlessDone(
    store.Notification.build(PutItemCommand)
      .item({
        ...rest,
        ...(await sealPhone(deps.crypto, 'Notification', request.notificationId, phone)),
        urgent: request.urgent ?? false,
        text: await renderFor(deps, request.template, request.locale, request.params),
        status: 'queued',
        attempts: 0,
        createdAt: now,
        log: [{ at: now, status: 'queued' }],
        // In the sweeper's in-flight list until dispatched: a crash before the send below is found and queued again.
        ...inFlightKeys(request.notificationId, clock.now()),
      })
      .options({ condition: { attr: 'notificationId', exists: false } })
      .send(),
  )
  await sendMessage(deps, { notificationId: request.notificationId, delivery: 'first' })
}

export class UnknownNotificationError extends Error {
  override name = 'UnknownNotificationError'
}

const quietHoursFor = async ({ store }: AppDeps, regionCode: string) => {
  for (const region of regionAncestry(regionCode)) {
    const { Item } = await store.QuietHoursSetting.build(GetItemCommand).key({ region }).send()
    if (Item) return { start: Item.start, end: Item.end }
  }
  return defaultQuietHours
}

/**
 * Whether the number is opted out for this recipient. A petitioner's reply opts their number out; an officer's
 * operational reminders are stopped only by an administrator's decision (POST /admin/opt-outs), never by an SMS
 * reply from the officer's phone.
 */
const isOptedOut = async (
  { store }: AppDeps,
  phoneIndex: string,
  recipientType: Notification['recipientType'],
) => {
  const { Item } = await store.OptOut.build(GetItemCommand).key({ phoneIndex }).send()
  if (Item?.optedOut !== true) return false
  return recipientType === 'petitioner' || Item.source === 'admin'
}

export type DispatchOutcome =
  | 'sent'
  | 'already-final'
  | 'deferred'
  | 'suppressed'
  | 'throttled'
  | 'retrying'
  | 'failed'
  | 'unknown'
  | 'reconciled'
  | 'claimed-elsewhere'

/** Where a notification logged `unknown` sits in its province's list of notifications to reconcile (gsi3, sparse). */
export const unknownIndexKeys = (regionCode: string, notificationId: string) => {
  const { partition, sortPrefix } = regionIndexKeys(regionCode)
  return { gsi3pk: `${partition}#SMS-UNKNOWN`, gsi3sk: `${sortPrefix}#${notificationId}` }
}

type Notification = FormattedItem<AppDeps['store']['Notification']>
type Expected = { status: Notification['status']; attempts: number }

/** Seconds before the next try after the attempt-th failure: doubling, at most 15 minutes, with a little jitter. */
const backoffSeconds = (attempt: number) =>
  Math.min(MAX_BACKOFF_SECONDS, 2 ** Math.min(attempt, 10)) + Math.floor(Math.random() * 3)

/** The log's detail of a `queued` entry written by a person's resend decision. */
export const RESEND_DETAIL = 'resend decided'

/**
 * Counted from the notification's creation, or from a person's latest resend decision (which gets a window of its
 * own). Not from the end of quiet hours: a petitioner's SMS deferred every night would otherwise never give up.
 */
const withinRetryWindow = (deps: AppDeps, n: Pick<Notification, 'createdAt' | 'log'>) => {
  const from =
    n.log.findLast((e) => e.status === 'queued' && e.detail?.startsWith(RESEND_DETAIL))?.at ?? n.createdAt
  return deps.clock.now().getTime() - Date.parse(from) < RETRY_WINDOW_MS
}

const entry = ({ clock }: AppDeps, status: string, detail?: string): LogEntry[] => [
  { at: clock.now().toISOString(), status, ...(detail ? { detail } : {}) },
]

/**
 * Dispatches one notification. An officer's reminder goes to the officers' topic as a step of its own (logged
 * `topic-published` or `topic-failed`, retried until published), whatever becomes of the SMS. The SMS: `sent` with
 * the provider's message id, `deferred` until the end of quiet hours, `suppressed` for an opted-out number,
 * `retrying` after a throttled or transient provider error (backed off, without a cap on attempts, for as long as
 * RETRY_WINDOW_MS), `failed` with the reason of a permanent one, and `unknown` when the provider was called but
 * the outcome was not recorded and the provider cannot say: such a notification is never resent blindly.
 */
export const dispatchNotification = async (
  deps: AppDeps,
  { notificationId }: NotificationMessage,
): Promise<{ outcome: DispatchOutcome; topic?: 'published' | 'failed' }> => {
  const { Item: n } = await deps.store.Notification.build(GetItemCommand).key({ notificationId }).send()
  if (!n) throw new UnknownNotificationError(`notification ${notificationId} does not exist`)
  const topic =
    n.recipientType === 'officer' && n.topic !== 'published' ? await publishToTopic(deps, n) : undefined
  const outcome = await dispatchSms(deps, n)
  if (topic === 'failed' && outcome !== 'retrying' && outcome !== 'throttled') {
    // Nothing else will bring the notification back: come back for the topic alone.
    const failures = n.log.filter((e) => e.status === 'topic-failed').length + 1
    if (withinRetryWindow(deps, n)) {
      await sendMessage(deps, { notificationId, delivery: randomUUID() }, backoffSeconds(failures))
    } else {
      deps.logger.error('officers topic given up', { notificationId, failures })
    }
  }
  return { outcome, ...(topic ? { topic } : {}) }
}

/**
 * The officers' topic, independent of the SMS: an opted-out officer's reminder, or one whose SMS failed, still
 * reaches the unit's e-mail or pager. At least once: a crash between Publish and its record publishes again on the
 * next delivery; subscribers can tell repeats by the `notificationId` attribute.
 */
const publishToTopic = async (deps: AppDeps, n: Notification): Promise<'published' | 'failed'> => {
  const { store, topics, logger } = deps
  // Refused: another dispatcher recorded it published.
  const record = (changes: Record<string, unknown>, log: LogEntry[]) =>
    writeUnlessDone(
      store.Notification.build(UpdateItemCommand)
        .item({ notificationId: n.notificationId, ...changes, log: $append(log) })
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
  let messageId: string | undefined
  try {
    ;({ messageId } = await topics.publish('officers', n.text, {
      regionCode: n.regionCode,
      recipientId: n.recipientId,
      notificationId: n.notificationId,
    }))
  } catch (error) {
    const reason = maskProviderText(`${(error as Error).name}: ${(error as Error).message}`)
    await record({ topic: 'failed' }, entry(deps, 'topic-failed', reason))
    logger.warn('officers topic publish failed', { notificationId: n.notificationId, reason })
    return 'failed'
  }
  await record(
    { topic: 'published', ...(messageId ? { topicMessageId: messageId } : {}) },
    entry(deps, 'topic-published', messageId),
  )
  return 'published'
}

const dispatchSms = async (deps: AppDeps, n: Notification): Promise<DispatchOutcome> => {
  const { store, sms, clock, config, logger } = deps
  const { notificationId } = n
  /**
   * Moves the notification on, provided it is still as expected (by default: as it was read). Into `sending` or
   * `retrying` it stays in the sweeper's in-flight list (due when its next message is: `messageDueAt`); into any
   * other status it leaves it.
   */
  const transition = async (
    changes: Record<string, unknown>,
    log: LogEntry[],
    expected: Expected = n,
    messageDueAt: Date = clock.now(),
  ) => {
    const inFlight =
      changes.status === 'sending' || changes.status === 'retrying'
        ? inFlightKeys(notificationId, messageDueAt)
        : { gsi2pk: $remove(), gsi2sk: $remove() }
    try {
      await store.Notification.build(UpdateItemCommand)
        .item({ notificationId, ...changes, ...inFlight, log: $append(log) })
        .options({
          condition: {
            and: [
              { attr: 'status', eq: expected.status },
              { attr: 'attempts', eq: expected.attempts },
            ],
          },
        })
        .send()
      return true
    } catch (error) {
      if (isConditionRefusal(error)) return false
      throw error
    }
  }
  /**
   * The provider was called and what it did is not recorded (a crash, or no answer). A provider with `lookup` is
   * asked; otherwise the notification is `unknown`, listed for its region to reconcile, and not resent.
   */
  const interrupted = async (expected: Expected, why: string): Promise<DispatchOutcome | 'not-sent'> => {
    const found = sms.lookup ? await sms.lookup(notificationId) : undefined
    if (found?.found) {
      await transition(
        { status: 'sent', sentAt: clock.now().toISOString(), providerMessageId: found.providerMessageId },
        entry(deps, 'sent', `${found.providerMessageId} (reconciled with the provider)`),
        expected,
      )
      return 'reconciled'
    }
    if (found) return 'not-sent'
    await transition(
      { status: 'unknown', ...unknownIndexKeys(n.regionCode, notificationId) },
      entry(deps, 'unknown', `${why}; the provider cannot be asked: not resent`),
      expected,
    )
    logger.error('SMS outcome unknown: not resent', { notificationId, to: n.phoneMasked })
    return 'unknown'
  }

  if (['sent', 'suppressed', 'unknown', 'failed'].includes(n.status)) return 'already-final'
  if (n.status === 'deferred') return 'deferred' // its timer queues it again when quiet hours end

  if (n.status === 'sending') {
    // `sending` is written right before the provider is called: this attempt may have reached it.
    const result = await interrupted(n, 'interrupted after the provider was called')
    if (result !== 'not-sent') return result
    // The provider never got it: sending again is safe.
  }

  if (await isOptedOut(deps, n.phoneIndex, n.recipientType)) {
    await transition({ status: 'suppressed' }, entry(deps, 'suppressed', 'the number opted out'))
    logger.info('SMS suppressed: opted out', { notificationId, to: n.phoneMasked })
    return 'suppressed'
  }

  if (n.recipientType === 'petitioner' && !n.urgent) {
    const quiet = await quietHoursFor(deps, n.regionCode)
    const now = clock.now()
    if (isQuiet(now, quiet)) {
      const until = nextAllowedInstant(now, quiet)
      // One timer per release minute: released into hours still quiet (the end moved later), it is deferred anew.
      const timer = { timerId: `defer-${notificationId}-${until.toISOString().slice(0, 16)}`, dueAt: until }
      await writeUnlessDone(
        store.Timer.build(PutItemCommand)
          .item(timerItem({ ...timer, kind: 'deferred-sms', subjectId: notificationId }, config.TIMER_SHARDS))
          .options({ condition: { attr: 'timerId', exists: false } })
          .send(),
      )
      await transition(
        { status: 'deferred' },
        entry(deps, 'deferred', `quiet hours ${quiet.start}–${quiet.end}: until ${until.toISOString()}`),
      )
      await enqueueIfSwept(deps, [timer])
      return 'deferred'
    }
  }

  // Everything that can fail before the provider is called happens before `sending` is written: the number's
  // decryption (a KMS call on AWS) and the send slot.
  const phone = await openPhone(deps.crypto, 'Notification', notificationId, n)
  if (!(await takeSendSlot(deps))) {
    // The shared per-second limit is reached: come back shortly, as a new attempt; nothing is dropped.
    await sendMessage(deps, { notificationId, delivery: randomUUID() }, 1 + Math.floor(Math.random() * 3))
    return 'throttled'
  }
  deps.fault('dispatch:before-provider', notificationId)

  // The durable "provider called" marker, conditional on the notification as read: of two dispatchers, one only
  // passes it, and a later delivery that finds it knows the provider may have the message.
  const attempt = n.attempts + 1
  const sending: Expected = { status: 'sending', attempts: attempt }
  if (
    !(await transition(
      { status: 'sending', attempts: attempt },
      entry(deps, 'sending', `attempt ${attempt}`),
    ))
  ) {
    return 'claimed-elsewhere'
  }
  let providerMessageId: string
  try {
    ;({ providerMessageId } = await sms.send({ to: phone, text: n.text, idempotencyKey: notificationId }))
  } catch (error) {
    // A provider's text may quote the number or an ID: kept and logged masked.
    const reason = maskProviderText((error as Error).message)
    const kind = smsErrorKind(error)
    if (kind === 'uncertain') {
      const result = await interrupted(sending, `no clear answer from the provider (${reason})`)
      if (result !== 'not-sent') return result
    }
    if (kind === 'permanent') {
      await transition({ status: 'failed' }, entry(deps, 'failed', reason), sending)
      logger.error('SMS refused by the provider', { notificationId, to: n.phoneMasked, reason })
      return 'failed'
    }
    if (!withinRetryWindow(deps, n)) {
      const detail = `${reason}; given up after ${attempt} attempts over ${RETRY_WINDOW_MS / 86_400_000} days`
      await transition({ status: 'failed' }, entry(deps, 'failed', detail), sending)
      logger.error('SMS given up after its retry window', { notificationId, to: n.phoneMasked, reason })
      return 'failed'
    }
    const delay = backoffSeconds(attempt)
    const label = kind === 'uncertain' ? 'not taken by the provider' : kind
    await transition(
      { status: 'retrying' },
      entry(deps, 'retrying', `${label}: ${reason}; next attempt in ${delay} s`),
      sending,
      new Date(clock.now().getTime() + delay * 1000),
    )
    await sendMessage(deps, { notificationId, delivery: randomUUID() }, delay)
    return 'retrying'
  }
  deps.fault('dispatch:after-provider', notificationId)
  deps.fault('dispatch:before-record', notificationId)
  const sentAt = clock.now().toISOString()
  await transition(
    { status: 'sent', sentAt, providerMessageId },
    entry(deps, 'sent', providerMessageId),
    sending,
  )
  logger.info('SMS sent', { notificationId, to: n.phoneMasked, providerMessageId })
  return 'sent'
}

const RELEASED_DETAIL = 'quiet hours over'

/**
 * A deferred notification's timer: quiet hours are over, queue it again. Released already but still `queued` (the
 * message after the release was not sent: a crash, the queue refused it), the timer's redelivery queues it again.
 */
export const releaseDeferred = async (deps: AppDeps, notificationId: string) => {
  const { store, clock } = deps
  const { Item: n } = await store.Notification.build(GetItemCommand).key({ notificationId }).send()
  if (n?.status === 'queued' && n.log.at(-1)?.detail === RELEASED_DETAIL) {
    await sendMessage(deps, { notificationId, delivery: randomUUID() })
    return true
  }
  if (n?.status !== 'deferred') return false
  try {
    await store.Notification.build(UpdateItemCommand)
      .item({
        notificationId,
        status: 'queued',
        // In the in-flight list before its message is sent: if the send below never happens, the sweeper finds it.
        ...inFlightKeys(notificationId, clock.now()),
        log: $append([{ at: clock.now().toISOString(), status: 'queued', detail: RELEASED_DETAIL }]),
      })
      .options({ condition: { attr: 'status', eq: 'deferred' } })
      .send()
  } catch (error) {
    if (isConditionRefusal(error)) return false
    throw error
  }
  await sendMessage(deps, { notificationId, delivery: randomUUID() })
  return true
}

/** What a caller sees of a notification: its delivery log, the number masked. */
export const notificationView = (item: Notification) => {
  const {
    phoneCipher: _c,
    phoneIndex: _i,
    gsi3pk: _p,
    gsi3sk: _s,
    gsi2pk: _fp,
    gsi2sk: _fs,
    phoneMasked,
    ...rest
  } = item
  return { ...rest, phone: phoneMasked }
}

/** A notification with its delivery log, the number masked. */
export const getNotification = async ({ store }: AppDeps, notificationId: string) => {
  const { Item } = await store.Notification.build(GetItemCommand).key({ notificationId }).send()
  return Item ? notificationView(Item) : undefined
}
