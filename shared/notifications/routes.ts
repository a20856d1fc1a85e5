// The notifications' routes: opt-outs, quiet hours and SMS templates; a notification read, and an SMS of unknown fate
// resolved; the SMS provider's inbound messages.
import * as z from 'zod'
import { defineRoute } from '../platform/http/route.ts'
import { nextCursorField, pageOf, pageQuery } from '../platform/pages.ts'
import { listTemplates } from './actions/list-templates.ts'
import { readNotification } from './actions/read-notification.ts'
import {
  checkInboundSecret,
  INBOUND_SECRET_HEADER,
  inboundSmsInput,
  receiveInboundSms,
} from './actions/receive-inbound-sms.ts'
import { saveTemplateText, templateInput } from './actions/save-template.ts'
import { optOutInput, setOptOut } from './actions/set-opt-out.ts'
import { quietHoursInput, setQuietHours } from './actions/set-quiet-hours.ts'
import {
  listUnknownNotifications,
  resolutionInput,
  resolveUnknownNotification,
} from './actions/unknown-notifications.ts'
import { locales } from './rules/templates.ts'
import { notificationListKey, savedTemplateAnswer } from './rules/views.ts'

/** The SMS provider as a caller: no role a token could carry, and a region code that covers nothing. */
const SMS_PROVIDER = { id: 'sms-provider', role: 'officer', regionCode: '000000' } as const

const templateName = templateInput.shape.template
const smsParts = z.object({
  encoding: z.enum(['GSM-7', 'UCS-2']),
  characters: z.number().int().describe('septets for GSM-7, UTF-16 code units for UCS-2'),
  parts: z.number().int(),
})

/**
 * A notification as callers see it (rules/views.ts): the phone masked, never its ciphertext, index or the sweepers'
 * index keys, nor the dispatcher's bookkeeping.
 */
const notificationView = z.object({
  notificationId: z.string(),
  recipientType: z.enum(['officer', 'petitioner']),
  recipientId: z.string(),
  regionCode: z.string(),
  phone: z.string().describe('masked'),
  locale: z.string(),
  template: z.string(),
  text: z.string().describe('the SMS as sent, or as it will be'),
  status: z.enum(['queued', 'deferred', 'sending', 'retrying', 'sent', 'suppressed', 'failed', 'unknown']),
  urgent: z.boolean(),
  createdAt: z.string(),
  sentAt: z.string().optional(),
  providerMessageId: z
    .string()
    .optional()
    .describe("the SMS provider's id of the message, to find it in its console"),
  topic: z
    .enum(['published', 'failed'])
    .optional()
    .describe("an officer's reminder: whether it reached the officers' topic (e-mail, pager)"),
  log: z.array(z.object({ at: z.string(), status: z.string(), detail: z.string().optional() })),
})

export const notificationRoutes = [
  defineRoute({
    method: 'POST',
    path: '/admin/opt-outs',
    function: 'notifications-api',
    roles: ['admin', 'supervisor'],
    summary: 'Opt a phone number out of SMS, or back in',
    body: optOutInput,
    response: z.object({
      phone: z.string().describe('masked'),
      optedOut: z.boolean(),
      source: z.enum(['admin', 'sms']),
      at: z.string(),
    }),
    run: ({ deps, actor, body }) => setOptOut(deps, actor, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/quiet-hours',
    function: 'notifications-api',
    roles: ['admin'],
    summary: "Set a region's quiet hours for petitioner SMS",
    body: quietHoursInput,
    response: z.object({ regionCode: z.string(), start: z.string(), end: z.string() }),
    run: ({ deps, actor, body }) => setQuietHours(deps, actor, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/templates',
    function: 'notifications-api',
    roles: ['admin'],
    summary: 'Save an SMS template text for one locale; its parameters are checked',
    body: templateInput,
    response: z.object({
      template: templateName,
      locale: z.enum(locales),
      text: z.string(),
      updatedAt: z.string(),
      updatedBy: z.string(),
      length: smsParts,
    }),
    run: async ({ deps, actor, body }) => savedTemplateAnswer(await saveTemplateText(deps, actor, body)),
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/templates',
    function: 'notifications-api',
    roles: ['admin', 'supervisor'],
    summary: 'List SMS templates with their parameters and length in SMS parts, by name, a page at a time',
    query: pageQuery,
    response: z.object({
      templates: z.array(
        z.object({
          template: templateName,
          params: z.array(z.string()),
          required: z.array(z.string()),
          texts: z.record(z.enum(locales), z.object({ text: z.string(), length: smsParts })),
        }),
      ),
      nextCursor: nextCursorField,
    }),
    run: async ({ deps, query }) => {
      const page = pageOf(deps, 'templates', await listTemplates(deps), (t) => t.template, query)
      return { templates: page.items, nextCursor: page.nextCursor }
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/notifications/{notificationId}',
    function: 'notifications-api',
    roles: ['supervisor', 'admin'],
    summary: 'Read a notification and its delivery log',
    response: notificationView,
    run: ({ deps, actor, params }) => readNotification(deps, actor, params.notificationId),
  }),
  defineRoute({
    method: 'GET',
    path: '/regions/{regionCode}/notifications/unknown',
    function: 'notifications-api',
    roles: ['supervisor', 'admin'],
    summary:
      "A region's SMS logged unknown: the provider was called, the outcome was not recorded (oldest first, a page " +
      'at a time)',
    query: pageQuery,
    response: z.object({
      regionCode: z.string(),
      notifications: z.array(notificationView),
      nextCursor: nextCursorField,
    }),
    run: async ({ deps, actor, params, query }) => {
      const { regionCode, notifications } = await listUnknownNotifications(deps, actor, params.regionCode)
      const page = pageOf(deps, `unknown-sms/${regionCode}`, notifications, notificationListKey, query)
      return { regionCode, notifications: page.items, nextCursor: page.nextCursor }
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/notifications/{notificationId}/resolution',
    function: 'notifications-api',
    roles: ['supervisor', 'admin'],
    summary: 'Resolve an unknown SMS: sent (with the provider message id if known) or resend, audited',
    body: resolutionInput,
    response: notificationView,
    conflict: true,
    run: ({ deps, actor, params, body }) =>
      resolveUnknownNotification(deps, actor, params.notificationId, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/sms/inbound',
    function: 'notifications-api',
    roles: [],
    auth: 'inbound-secret',
    summary: "An SMS provider's inbound message (退订 / TD / STOP opts the sender out)",
    authenticate: async (deps, event) => {
      await checkInboundSecret(deps, event.headers?.[INBOUND_SECRET_HEADER])
      return SMS_PROVIDER
    },
    body: inboundSmsInput,
    response: z.union([
      z.object({ action: z.literal('none') }),
      z.object({ action: z.literal('opted-out'), keyword: z.string() }),
    ]),
    run: ({ deps, body }) => receiveInboundSms(deps, body),
  }),
] as const
