// The entities of SMS delivery: notifications and their delivery log, the send rate, opt-outs, template texts,
// quiet hours, and the local provider's outbox.

import { Entity } from 'dynamodb-toolbox/entity'
import { boolean } from 'dynamodb-toolbox/schema/boolean'
import { item } from 'dynamodb-toolbox/schema/item'
import { list } from 'dynamodb-toolbox/schema/list'
import { map } from 'dynamodb-toolbox/schema/map'
import { number } from 'dynamodb-toolbox/schema/number'
import { record } from 'dynamodb-toolbox/schema/record'
import { string } from 'dynamodb-toolbox/schema/string'
import { type AftercareTable, sealedPhone, timestamps } from '../platform/table/table.ts'
import { notificationStatuses } from './rules/delivery.ts'

export const notificationEntities = (table: AftercareTable) => {
  /** A region's quiet hours for petitioner SMS; keyed by the region's significant prefix. */
  const QuietHoursSetting = new Entity({
    name: 'QuietHoursSetting',
    table,
    timestamps,
    schema: item({
      region: string().key(),
      start: string(),
      end: string(),
      updatedAt: string(),
      updatedBy: string(),
    }),
    computeKey: ({ region }) => ({ pk: `QUIET#${region}`, sk: 'QUIET' }),
  })

  const Notification = new Entity({
    name: 'Notification',
    table,
    timestamps,
    schema: item({
      notificationId: string().key(),
      recipientType: string().enum('officer', 'petitioner'),
      recipientId: string(),
      regionCode: string(),
      ...sealedPhone,
      locale: string(),
      template: string(),
      params: record(string(), string()).optional(),
      text: string(),
      status: string().enum(...notificationStatuses),
      /** Urgent messages are not held by petitioners' quiet hours. */
      urgent: boolean().default(false),
      attempts: number(),
      createdAt: string(),
      sentAt: string().optional(),
      providerMessageId: string().optional(),
      /** Officers' reminders: the officers' topic is its own step, whatever becomes of the SMS. */
      topic: string().enum('published', 'failed').optional(),
      topicMessageId: string().optional(),
      log: list(map({ at: string(), status: string(), detail: string().optional() })),
      /** Present only while `unknown`: the region's list of notifications to reconcile (sparse). */
      gsi3pk: string().optional(),
      gsi3sk: string().optional(),
      /**
       * Present only while a queue message should be on its way (`queued`, `retrying`, `sending`): the sweeper's list
       * of notifications in flight (`SMS-INFLIGHT#<shard>`, by the time its message is due), so that one whose
       * message was lost is queued again (shared/notifications/actions/requeue-stale.ts).
       */
      gsi2pk: string().optional(),
      gsi2sk: string().optional(),
    }),
    computeKey: ({ notificationId }) => ({ pk: `NOTIFICATION#${notificationId}`, sk: 'NOTIFICATION' }),
  })

  /** A one-second window of a shared send-rate limit: every dispatcher counts its sends in the same item. */
  const RateWindow = new Entity({
    name: 'RateWindow',
    table,
    timestamps,
    schema: item({
      limiter: string().key(),
      second: number().key(),
      count: number(),
      expiresAt: number(),
    }),
    computeKey: ({ limiter, second }) => ({ pk: `RATE#${limiter}`, sk: `SECOND#${second}` }),
  })

  /** An opt-out from SMS, keyed by the phone number's blind index (the number itself is not needed to check it). */
  const OptOut = new Entity({
    name: 'OptOut',
    table,
    timestamps,
    schema: item({
      phoneIndex: string().key(),
      phoneMasked: string(),
      optedOut: boolean(),
      source: string().enum('sms', 'admin'),
      keyword: string().optional(),
      at: string(),
      by: string(),
    }),
    computeKey: ({ phoneIndex }) => ({ pk: `OPTOUT#${phoneIndex}`, sk: 'OPTOUT' }),
  })

  /** An administrator's text of an SMS template in one locale, replacing the shipped one. */
  const TemplateText = new Entity({
    name: 'TemplateText',
    table,
    timestamps,
    schema: item({
      template: string().key(),
      locale: string().key(),
      text: string(),
      version: number(),
      updatedAt: string(),
      updatedBy: string(),
    }),
    computeKey: ({ template, locale }) => ({ pk: `TEMPLATE#${template}`, sk: `LOCALE#${locale}` }),
  })

  /** SMS "sent" by the local provider, listed by `GET /local/sms`. */
  const LocalSms = new Entity({
    name: 'LocalSms',
    table,
    timestamps,
    schema: item({
      messageId: string().key(),
      idempotencyKey: string(),
      phone: string(),
      text: string(),
      sentAt: string(),
    }).and((s) => ({
      gsi1pk: string()
        .hidden()
        .link<typeof s>(() => 'LOCALSMS'),
      gsi1sk: string()
        .hidden()
        .link<typeof s>(({ sentAt, messageId }) => `${sentAt}#${messageId}`),
    })),
    computeKey: ({ messageId }) => ({ pk: `LOCALSMS#${messageId}`, sk: 'LOCALSMS' }),
  })

  return { QuietHoursSetting, Notification, RateWindow, OptOut, TemplateText, LocalSms }
}
