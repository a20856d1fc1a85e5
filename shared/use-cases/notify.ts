// Notifications: written once per cause (the id says which), queued, then sent once through the SMS port.
import { PublishCommand } from '@aws-sdk/client-sns'
import { SendMessageCommand } from '@aws-sdk/client-sqs'
import { $append, GetItemCommand, PutItemCommand, UpdateItemCommand } from 'dynamodb-toolbox'
import type { AppDeps } from '../deps.ts'
import { renderTemplate, type TemplateName } from '../domain/notifications/templates.ts'
import type { NotificationMessage } from '../domain/scheduling/messages.ts'
import { maskPhone } from '../masking.ts'
import { isConditionRefusal } from './audit.ts'

export interface NotificationRequest {
  notificationId: string
  recipientType: 'officer' | 'petitioner'
  recipientId: string
  regionCode: string
  phone: string
  locale: string
  template: TemplateName
  params: Record<string, string>
}

/** Writes the notification if it is new and queues it; a second call for the same id only queues it again. */
export const queueNotification = async (deps: AppDeps, request: NotificationRequest) => {
  const { store, sqs, clock, config } = deps
  const now = clock.now().toISOString()
  try {
    await store.Notification.build(PutItemCommand)
      .item({
        ...request,
        text: renderTemplate(request.template, request.locale, request.params),
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
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: config.NOTIFICATIONS_QUEUE_URL,
      MessageBody: JSON.stringify({ notificationId: request.notificationId } satisfies NotificationMessage),
    }),
  )
}

export class UnknownNotificationError extends Error {
  override name = 'UnknownNotificationError'
}

/** Sends a queued notification once. The SMS port gets the notification id as its idempotency key. */
export const dispatchNotification = async (deps: AppDeps, { notificationId }: NotificationMessage) => {
  const { store, sms, sns, clock, config, logger } = deps
  const { Item: notification } = await store.Notification.build(GetItemCommand).key({ notificationId }).send()
  if (!notification) throw new UnknownNotificationError(`notification ${notificationId} does not exist`)
  if (notification.status === 'sent') return { sent: false, reason: 'already sent' }

  await store.Notification.build(UpdateItemCommand)
    .item({
      notificationId,
      status: 'sending',
      attempts: notification.attempts + 1,
      log: $append([{ at: clock.now().toISOString(), status: 'sending' }]),
    })
    .options({ condition: { attr: 'status', in: ['queued', 'sending', 'failed'] } })
    .send()

  let providerMessageId: string
  try {
    ;({ providerMessageId } = await sms.send({
      to: notification.phone,
      text: notification.text,
      idempotencyKey: notificationId,
    }))
  } catch (error) {
    await store.Notification.build(UpdateItemCommand)
      .item({
        notificationId,
        status: 'failed',
        log: $append([{ at: clock.now().toISOString(), status: 'failed', detail: (error as Error).message }]),
      })
      .send()
    throw error
  }
  if (notification.recipientType === 'officer') {
    await sns.send(
      new PublishCommand({
        TopicArn: config.OFFICERS_TOPIC_ARN,
        Message: notification.text,
        MessageAttributes: { regionCode: { DataType: 'String', StringValue: notification.regionCode } },
      }),
    )
  }
  const sentAt = clock.now().toISOString()
  await store.Notification.build(UpdateItemCommand)
    .item({
      notificationId,
      status: 'sent',
      sentAt,
      providerMessageId,
      log: $append([{ at: sentAt, status: 'sent', detail: providerMessageId }]),
    })
    .send()
  logger.info('sms sent', { notificationId, to: maskPhone(notification.phone), providerMessageId })
  return { sent: true, providerMessageId }
}
