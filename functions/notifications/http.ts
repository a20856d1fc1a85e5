import {
  checkInboundSecret,
  INBOUND_SECRET_HEADER,
  inboundSmsInput,
  listTemplates,
  listUnknownNotifications,
  optOutInput,
  quietHoursInput,
  readNotification,
  receiveInboundSms,
  resolutionInput,
  resolveUnknownNotification,
  saveTemplateText,
  setOptOut,
  setQuietHours,
  templateInput,
} from '#shared/notifications/notification-admin.ts'
import { crypto } from '#shared/platform/aws/crypto.ts'
import { inboundSmsSecret } from '#shared/platform/aws/inbound-sms-secret.ts'
import { queues } from '#shared/platform/aws/queues.ts'
import { table } from '#shared/platform/aws/table.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { httpApi, route } from '#shared/platform/http/http-api.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'

/** The SMS provider as a caller: no role a token could carry, and a region code that covers nothing. */
const SMS_PROVIDER = { id: 'sms-provider', role: 'officer', regionCode: '000000' } as const

export const createHandler = (deps: AppDeps) =>
  httpApi(
    'notifications-api',
    {
      'POST /admin/opt-outs': route({
        body: optOutInput,
        run: async ({ actor, body }) => ({ statusCode: 200, body: await setOptOut(deps, actor, body) }),
      }),
      'POST /admin/quiet-hours': route({
        body: quietHoursInput,
        run: async ({ actor, body }) => ({ statusCode: 200, body: await setQuietHours(deps, actor, body) }),
      }),
      'POST /admin/templates': route({
        body: templateInput,
        run: async ({ actor, body }) => ({
          statusCode: 200,
          body: await saveTemplateText(deps, actor, body),
        }),
      }),
      'GET /admin/templates': route({
        run: async () => ({ statusCode: 200, body: await listTemplates(deps) }),
      }),
      'GET /notifications/{notificationId}': route({
        run: async ({ actor, params }) => ({
          statusCode: 200,
          body: await readNotification(deps, actor, params.notificationId ?? ''),
        }),
      }),
      'GET /regions/{regionCode}/notifications/unknown': route({
        run: async ({ actor, params }) => ({
          statusCode: 200,
          body: await listUnknownNotifications(deps, actor, params.regionCode ?? ''),
        }),
      }),
      'POST /notifications/{notificationId}/resolution': route({
        body: resolutionInput,
        run: async ({ actor, params, body }) => ({
          statusCode: 200,
          body: await resolveUnknownNotification(deps, actor, params.notificationId ?? '', body),
        }),
      }),
      'POST /sms/inbound': route({
        body: inboundSmsInput,
        authenticate: async (event) => {
          await checkInboundSecret(deps, event.headers?.[INBOUND_SECRET_HEADER])
          return SMS_PROVIDER
        },
        run: async ({ body }) => ({ statusCode: 200, body: await receiveInboundSms(deps, body) }),
      }),
    },
    deps,
  )

export const handler = lambdaHandler(
  'notifications-api',
  { table, queues, crypto, inboundSmsSecret },
  createHandler,
)
