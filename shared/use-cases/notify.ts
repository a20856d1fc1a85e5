// Notifications: written once per cause (the id says which), queued, then dispatched: held for quiet hours,
// suppressed for an opted-out number, sent once through the SMS port, and every step in the delivery log.
import { randomUUID } from 'node:crypto'
import { PublishCommand } from '@aws-sdk/client-sns'
import { SendMessageCommand } from '@aws-sdk/client-sqs'
import { $append, GetItemCommand, PutItemCommand, UpdateItemCommand } from 'dynamodb-toolbox'
import type { AppDeps } from '../deps.ts'
import { regionAncestry } from '../domain/access/region-scope.ts'
import { defaultQuietHours, isQuiet, nextAllowedInstant } from '../domain/notifications/quiet-hours.ts'
import type { TemplateName } from '../domain/notifications/templates.ts'
import type { NotificationMessage } from '../domain/scheduling/messages.ts'
import { isConditionRefusal } from './audit.ts'
import { openPhone, sealPhone } from './personal-data.ts'
import { takeSendSlot } from './send-rate.ts'
import { renderFor } from './templates.ts'
import { enqueueIfSwept, timerItem } from './timers.ts'

/** Sends tried before a notification is given up as failed (each failure logged with its reason). */
export const MAX_SEND_ATTEMPTS = 6

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

const sendMessage = async ({ sqs, config }: AppDeps, message: NotificationMessage, delaySeconds = 0) => {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: config.NOTIFICATIONS_QUEUE_URL,
      MessageBody: JSON.stringify(message),
      DelaySeconds: Math.min(delaySeconds, config.QUEUE_DELAY_CAP_SECONDS),
    }),
  )
}

/** Writes the notification if it is new and queues it; a second call for the same id only queues it again. */
export const queueNotification = async (deps: AppDeps, request: NotificationRequest) => {
  const { store, clock } = deps
  const now = clock.now().toISOString()
  const { phone, ...rest } = request
  try {
    await store.Notification.build(PutItemCommand)
      .item({
        ...rest,
        ...(await sealPhone(deps.crypto, 'Notification', request.notificationId, phone)),
        urgent: request.urgent ?? false,
        text: await renderFor(deps, request.template, request.locale, request.params),
        status: 'queued',
        attempts: 0,
        createdAt: now,
        log: [{ at: now, status: 'queued' }],
      })
      .options({ condition: { attr: 'notificationId', exists: false } })
      .send()
  } catch (error) {
    if (!isConditionRefusal(error)) throw error
  }
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

const isOptedOut = async ({ store }: AppDeps, phoneIndex: string) => {
  const { Item } = await store.OptOut.build(GetItemCommand).key({ phoneIndex }).send()
  return Item?.optedOut === true
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

/**
 * Dispatches one notification. Every outcome is recorded in its log: `sent` with the provider's message id,
 * `deferred` until the end of quiet hours, `suppressed` for an opted-out number, `failed` with the reason (retried
 * with back-off up to MAX_SEND_ATTEMPTS), and `unknown` when an earlier attempt stopped after the provider may
 * have accepted the message and the provider cannot say: such a notification is never resent blindly.
 */
export const dispatchNotification = async (
  deps: AppDeps,
  { notificationId }: NotificationMessage,
): Promise<{ outcome: DispatchOutcome }> => {
  const { store, sms, sns, clock, config, logger } = deps
  const { Item: n } = await store.Notification.build(GetItemCommand).key({ notificationId }).send()
  if (!n) throw new UnknownNotificationError(`notification ${notificationId} does not exist`)
  const log = (status: string, detail?: string): LogEntry[] => [
    { at: clock.now().toISOString(), status, ...(detail ? { detail } : {}) },
  ]
  /** Moves the notification on, provided nobody else did since it was read. */
  const transition = async (changes: Record<string, unknown>, entry: LogEntry[]) => {
    try {
      await store.Notification.build(UpdateItemCommand)
        .item({ notificationId, ...changes, log: $append(entry) })
        .options({
          condition: {
            and: [
              { attr: 'status', eq: n.status },
              { attr: 'attempts', eq: n.attempts },
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

  if (['sent', 'suppressed', 'unknown'].includes(n.status)) return { outcome: 'already-final' }
  if (n.status === 'failed' && n.attempts >= MAX_SEND_ATTEMPTS) return { outcome: 'already-final' }
  if (n.status === 'deferred') return { outcome: 'deferred' } // its timer queues it again when quiet hours end

  if (n.status === 'sending') {
    // An earlier attempt stopped between recording `sending` and recording its result.
    const found = sms.lookup ? await sms.lookup(notificationId) : undefined
    if (found?.found) {
      await transition(
        { status: 'sent', sentAt: clock.now().toISOString(), providerMessageId: found.providerMessageId },
        log('sent', `${found.providerMessageId} (reconciled with the provider)`),
      )
      return { outcome: 'reconciled' }
    }
    if (!found) {
      await transition({ status: 'unknown' }, log('unknown', 'interrupted after the send began; not resent'))
      logger.error('SMS outcome unknown: not resent', { notificationId, to: n.phoneMasked })
      return { outcome: 'unknown' }
    }
    // The provider never got it: sending again is safe.
  }

  if (await isOptedOut(deps, n.phoneIndex)) {
    await transition({ status: 'suppressed' }, log('suppressed', 'the number opted out'))
    logger.info('SMS suppressed: opted out', { notificationId, to: n.phoneMasked })
    return { outcome: 'suppressed' }
  }

  if (n.recipientType === 'petitioner' && !n.urgent) {
    const quiet = await quietHoursFor(deps, n.regionCode)
    const now = clock.now()
    if (isQuiet(now, quiet)) {
      const until = nextAllowedInstant(now, quiet)
      const timer = { timerId: `defer-${notificationId}-${n.attempts}`, dueAt: until }
      await store.Timer.build(PutItemCommand)
        .item(timerItem({ ...timer, kind: 'deferred-sms', subjectId: notificationId }, config.TIMER_SHARDS))
        .options({ condition: { attr: 'timerId', exists: false } })
        .send()
        .catch((error: unknown) => {
          if (!isConditionRefusal(error)) throw error
        })
      await transition(
        { status: 'deferred' },
        log('deferred', `quiet hours ${quiet.start}–${quiet.end}: until ${until.toISOString()}`),
      )
      await enqueueIfSwept(deps, [timer])
      return { outcome: 'deferred' }
    }
  }

  if (!(await takeSendSlot(deps))) {
    // The shared per-second limit is reached: come back shortly, as a new attempt; nothing is dropped.
    await sendMessage(deps, { notificationId, delivery: randomUUID() }, 1 + Math.floor(Math.random() * 3))
    return { outcome: 'throttled' }
  }

  if (
    !(await transition(
      { status: 'sending', attempts: n.attempts + 1 },
      log('sending', `attempt ${n.attempts + 1}`),
    ))
  ) {
    return { outcome: 'claimed-elsewhere' }
  }
  const sending = { status: 'sending' as const, attempts: n.attempts + 1 }
  const after = async (changes: Record<string, unknown>, entry: LogEntry[]) =>
    store.Notification.build(UpdateItemCommand)
      .item({ notificationId, ...changes, log: $append(entry) })
      .options({
        condition: {
          and: [
            { attr: 'status', eq: sending.status },
            { attr: 'attempts', eq: sending.attempts },
          ],
        },
      })
      .send()

  deps.fault('dispatch:before-provider', notificationId)
  let providerMessageId: string
  try {
    const phone = await openPhone(deps.crypto, 'Notification', notificationId, n)
    ;({ providerMessageId } = await sms.send({ to: phone, text: n.text, idempotencyKey: notificationId }))
  } catch (error) {
    const reason = (error as Error).message
    await after({ status: 'failed' }, log('failed', reason))
    if (sending.attempts >= MAX_SEND_ATTEMPTS) {
      logger.error('SMS given up after its attempts', { notificationId, to: n.phoneMasked, reason })
      return { outcome: 'failed' }
    }
    await sendMessage(deps, { notificationId, delivery: randomUUID() }, 2 ** sending.attempts)
    return { outcome: 'retrying' }
  }
  deps.fault('dispatch:after-provider', notificationId)
  if (n.recipientType === 'officer') {
    await sns.send(
      new PublishCommand({
        TopicArn: config.OFFICERS_TOPIC_ARN,
        Message: n.text,
        MessageAttributes: {
          regionCode: { DataType: 'String', StringValue: n.regionCode },
          recipientId: { DataType: 'String', StringValue: n.recipientId },
        },
      }),
    )
  }
  deps.fault('dispatch:before-record', notificationId)
  const sentAt = clock.now().toISOString()
  await after({ status: 'sent', sentAt, providerMessageId }, log('sent', providerMessageId))
  logger.info('SMS sent', { notificationId, to: n.phoneMasked, providerMessageId })
  return { outcome: 'sent' }
}

/** A deferred notification's timer: quiet hours are over, queue it again. */
export const releaseDeferred = async (deps: AppDeps, notificationId: string) => {
  const { store, clock } = deps
  const { Item: n } = await store.Notification.build(GetItemCommand).key({ notificationId }).send()
  if (n?.status !== 'deferred') return false
  try {
    await store.Notification.build(UpdateItemCommand)
      .item({
        notificationId,
        status: 'queued',
        log: $append([{ at: clock.now().toISOString(), status: 'queued', detail: 'quiet hours over' }]),
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

/** A notification with its delivery log, the number masked. */
export const getNotification = async ({ store }: AppDeps, notificationId: string) => {
  const { Item } = await store.Notification.build(GetItemCommand).key({ notificationId }).send()
  if (!Item) return undefined
  const { phoneCipher: _c, phoneIndex: _i, phoneMasked, ...rest } = Item
  return { ...rest, phone: phoneMasked }
}
