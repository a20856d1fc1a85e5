// The dispatcher's action: one notification held for quiet hours, suppressed for an opted-out number, or sent once
// through the SMS port, an officer's reminder also published to the officers' topic; every step in the delivery log.
import { randomUUID } from 'node:crypto'
import { openPhone } from '../../platform/crypto/personal-data.ts'
import type { AppDeps } from '../../platform/deps.ts'
import type { NotificationMessage } from '../../scheduling/rules/messages.ts'
import { enqueueReleaseIfSwept, scheduleRelease, sendMessage, smsErrorKind } from '../ports.ts'
import {
  afterProviderFailure,
  backoffSeconds,
  failureLabel,
  firstStep,
  heldByQuietHours,
  logEntry,
  RETRY_WINDOW_MS,
  releaseTimerId,
  topicNeedsOwnRetry,
  withinRetryWindow,
} from '../rules/delivery.ts'
import { optOutStops } from '../rules/opt-out.ts'
import { maskProviderText } from '../rules/provider-text.ts'
import { defaultQuietHours, isQuiet, nextAllowedInstant } from '../rules/quiet-hours.ts'
import {
  type Move,
  moveNotification,
  type Notification,
  notificationById,
  recordTopic,
} from '../store/notifications.ts'
import { takeSendSlot } from '../store/send-rate.ts'
import { optOutOf, quietHoursIn } from '../store/settings.ts'

export class UnknownNotificationError extends Error {
  override name = 'UnknownNotificationError'
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

type Expected = Move['expected']

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
  const n = await notificationById(deps.store, notificationId)
  if (!n) throw new UnknownNotificationError(`notification ${notificationId} does not exist`)
  const topic =
    n.recipientType === 'officer' && n.topic !== 'published' ? await publishToTopic(deps, n) : undefined
  const outcome = await dispatchSms(deps, n)
  if (topicNeedsOwnRetry(topic, outcome)) {
    // Nothing else will bring the notification back: come back for the topic alone.
    const failures = n.log.filter((e) => e.status === 'topic-failed').length + 1
    if (withinRetryWindow(n, deps.clock.now())) {
      await sendMessage(
        deps,
        { notificationId, delivery: randomUUID() },
        backoffSeconds(failures, Math.random()),
      )
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
  const { store, topics, logger, clock } = deps
  let messageId: string | undefined
  try {
    ;({ messageId } = await topics.publish('officers', n.text, {
      regionCode: n.regionCode,
      recipientId: n.recipientId,
      notificationId: n.notificationId,
    }))
  } catch (error) {
    const reason = maskProviderText(`${(error as Error).name}: ${(error as Error).message}`)
    await recordTopic(
      store,
      n.notificationId,
      { topic: 'failed' },
      logEntry(clock.now(), 'topic-failed', reason),
    )
    logger.warn('officers topic publish failed', { notificationId: n.notificationId, reason })
    return 'failed'
  }
  // Refused: another dispatcher recorded it published.
  await recordTopic(
    store,
    n.notificationId,
    { topic: 'published', ...(messageId ? { topicMessageId: messageId } : {}) },
    logEntry(clock.now(), 'topic-published', messageId),
  )
  return 'published'
}

const dispatchSms = async (deps: AppDeps, n: Notification): Promise<DispatchOutcome> => {
  const { store, sms, clock, config, logger } = deps
  const { notificationId } = n
  /** Moves the notification on, provided it is still as expected (by default: as it was read). */
  const move = (
    status: Move['status'],
    log: Move['log'],
    expected: Expected = n,
    changes: Move['changes'] = {},
    messageDueAt: Date = clock.now(),
  ) => moveNotification(store, n, { status, changes, log, expected, messageDueAt })
  /**
   * The provider was called and what it did is not recorded (a crash, or no answer). A provider with `lookup` is
   * asked; otherwise the notification is `unknown`, listed for its region to reconcile, and not resent.
   */
  const interrupted = async (expected: Expected, why: string): Promise<DispatchOutcome | 'not-sent'> => {
    const found = sms.lookup ? await sms.lookup(notificationId) : undefined
    if (found?.found) {
      await move(
        'sent',
        logEntry(clock.now(), 'sent', `${found.providerMessageId} (reconciled with the provider)`),
        expected,
        { sentAt: clock.now().toISOString(), providerMessageId: found.providerMessageId },
      )
      return 'reconciled'
    }
    if (found) return 'not-sent'
    await move(
      'unknown',
      logEntry(clock.now(), 'unknown', `${why}; the provider cannot be asked: not resent`),
      expected,
    )
    logger.error('SMS outcome unknown: not resent', { notificationId, to: n.phoneMasked })
    return 'unknown'
  }

  const step = firstStep(n.status)
  if (step === 'already-final' || step === 'deferred') return step
  if (step === 'reconcile') {
    const result = await interrupted(n, 'interrupted after the provider was called')
    if (result !== 'not-sent') return result
    // The provider never got it: sending again is safe.
  }

  if (optOutStops(await optOutOf(store, n.phoneIndex), n.recipientType)) {
    await move('suppressed', logEntry(clock.now(), 'suppressed', 'the number opted out'))
    logger.info('SMS suppressed: opted out', { notificationId, to: n.phoneMasked })
    return 'suppressed'
  }

  if (heldByQuietHours(n)) {
    const quiet = (await quietHoursIn(store, n.regionCode)) ?? defaultQuietHours
    const now = clock.now()
    if (isQuiet(now, quiet)) {
      const until = nextAllowedInstant(now, quiet)
      const timer = { timerId: releaseTimerId(notificationId, until), dueAt: until }
      await scheduleRelease(deps, timer, notificationId)
      await move(
        'deferred',
        logEntry(
          clock.now(),
          'deferred',
          `quiet hours ${quiet.start}–${quiet.end}: until ${until.toISOString()}`,
        ),
      )
      await enqueueReleaseIfSwept(deps, timer)
      return 'deferred'
    }
  }

  // Everything that can fail before the provider is called happens before `sending` is written: the number's
  // decryption (a KMS call on AWS) and the send slot.
  const phone = await openPhone(deps.crypto, 'Notification', notificationId, n)
  const limit = config.SMS_MAX_PER_SECOND
  // A limit of 0 is no limit.
  if (limit !== 0 && !(await takeSendSlot(store, 'sms', clock.now(), limit))) {
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
    !(await move('sending', logEntry(clock.now(), 'sending', `attempt ${attempt}`), n, { attempts: attempt }))
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
    let next = afterProviderFailure(kind, withinRetryWindow(n, clock.now()))
    if (next === 'reconcile') {
      const result = await interrupted(sending, `no clear answer from the provider (${reason})`)
      if (result !== 'not-sent') return result
      next = afterProviderFailure(kind, withinRetryWindow(n, clock.now()), true)
    }
    if (next === 'fail') {
      await move('failed', logEntry(clock.now(), 'failed', reason), sending)
      logger.error('SMS refused by the provider', { notificationId, to: n.phoneMasked, reason })
      return 'failed'
    }
    if (next === 'give-up') {
      const detail = `${reason}; given up after ${attempt} attempts over ${RETRY_WINDOW_MS / 86_400_000} days`
      await move('failed', logEntry(clock.now(), 'failed', detail), sending)
      logger.error('SMS given up after its retry window', { notificationId, to: n.phoneMasked, reason })
      return 'failed'
    }
    const delay = backoffSeconds(attempt, Math.random())
    await move(
      'retrying',
      logEntry(clock.now(), 'retrying', `${failureLabel(kind)}: ${reason}; next attempt in ${delay} s`),
      sending,
      {},
      new Date(clock.now().getTime() + delay * 1000),
    )
    await sendMessage(deps, { notificationId, delivery: randomUUID() }, delay)
    return 'retrying'
  }
  deps.fault('dispatch:after-provider', notificationId)
  deps.fault('dispatch:before-record', notificationId)
  const sentAt = clock.now().toISOString()
  await move('sent', logEntry(clock.now(), 'sent', providerMessageId), sending, { sentAt, providerMessageId })
  logger.info('SMS sent', { notificationId, to: n.phoneMasked, providerMessageId })
  return 'sent'
}
