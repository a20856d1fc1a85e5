// What administrators and SMS providers tell the notification service: opt-outs, quiet hours, template texts.
import { timingSafeEqual } from 'node:crypto'
import { executeTransactWrite, GetItemCommand, PutTransaction } from 'dynamodb-toolbox'
import * as z from 'zod'
import type { AppDeps } from '../deps.ts'
import { significantPrefix } from '../domain/access/region-scope.ts'
import { type Actor, requireRegion } from '../domain/access/roles.ts'
import { phoneSchema, regionCodeSchema } from '../domain/directory/schemas.ts'
import { quietHoursSchema } from '../domain/notifications/quiet-hours.ts'
import { checkTemplateText, templateLength } from '../domain/notifications/template-check.ts'
import { locales, type TemplateName, templates } from '../domain/notifications/templates.ts'
import { NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts'
import { maskPhone } from '../masking.ts'
import { auditTransaction } from './audit.ts'
import { getNotification } from './notify.ts'
import { PHONE_INDEX } from './personal-data.ts'
import { templateText } from './templates.ts'

export const optOutInput = z.object({ phone: phoneSchema, optedOut: z.boolean() })
export const quietHoursInput = z.object({ regionCode: regionCodeSchema }).and(quietHoursSchema)
export const templateInput = z.object({
  template: z.enum(Object.keys(templates) as [TemplateName, ...TemplateName[]]),
  locale: z.enum(locales),
  text: z.string(),
})
export const inboundSmsInput = z.object({
  from: phoneSchema,
  text: z.string().max(1000),
  receivedAt: z.iso.datetime({ offset: true }).optional(),
  messageId: z.string().max(200).optional(),
})

/** Replies that opt a number out, compared after trimming spaces and punctuation, in any case. */
export const OPT_OUT_KEYWORDS = ['退订', 'TD', 'T', 'STOP', 'UNSUBSCRIBE', '取消'] as const
export const optOutKeyword = (text: string): string | undefined => {
  const word = text.replace(/[\s\p{P}]/gu, '').toUpperCase()
  return OPT_OUT_KEYWORDS.find((k) => k === word)
}

const saveOptOut = async (
  deps: AppDeps,
  phone: string,
  change: { optedOut: boolean; source: 'sms' | 'admin'; by: string; keyword?: string },
) => {
  const { store, clock, crypto } = deps
  const phoneIndex = crypto.blindIndex(phone, PHONE_INDEX)
  const { Item: before } = await store.OptOut.build(GetItemCommand).key({ phoneIndex }).send()
  const now = clock.now()
  const after = { phoneIndex, phoneMasked: maskPhone(phone), ...change, at: now.toISOString() }
  await executeTransactWrite(
    store.OptOut.build(PutTransaction).item(after),
    auditTransaction(store, {
      subject: `OPTOUT#${phoneIndex}`,
      actor: change.by,
      action: change.optedOut ? 'sms.opted-out' : 'sms.opted-in',
      regionCode: '',
      at: now,
      before,
      after,
    }),
  )
  return { phone: after.phoneMasked, optedOut: after.optedOut, source: after.source, at: after.at }
}

export const setOptOut = (deps: AppDeps, actor: Actor, input: z.infer<typeof optOutInput>) =>
  saveOptOut(deps, input.phone, { optedOut: input.optedOut, source: 'admin', by: actor.id })

export const INBOUND_SECRET_HEADER = 'x-aftercare-inbound-secret'

/** The SMS provider's callback proves itself with the shared secret (compared in constant time). */
export const checkInboundSecret = async (deps: AppDeps, presented: string | undefined) => {
  const expected = Buffer.from(await deps.inboundSmsSecret())
  const given = Buffer.from(presented ?? '')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new UnauthorizedError(`header ${INBOUND_SECRET_HEADER} is missing or wrong`)
  }
}

/** An inbound SMS: an opt-out keyword opts its sender out; anything else is logged (masked) and ignored. */
export const receiveInboundSms = async (deps: AppDeps, input: z.infer<typeof inboundSmsInput>) => {
  const keyword = optOutKeyword(input.text)
  if (!keyword) {
    deps.logger.info('inbound SMS without a keyword', {
      from: maskPhone(input.from),
      length: input.text.length,
    })
    return { action: 'none' as const }
  }
  const result = await saveOptOut(deps, input.from, {
    optedOut: true,
    source: 'sms',
    by: 'sms-provider',
    keyword,
  })
  deps.logger.info('number opted out by SMS', { from: result.phone, keyword })
  return { action: 'opted-out' as const, keyword }
}

export const setQuietHours = async (deps: AppDeps, actor: Actor, input: z.infer<typeof quietHoursInput>) => {
  const { store, clock } = deps
  requireRegion(actor, input.regionCode)
  const region = significantPrefix(input.regionCode)
  const { Item: before } = await store.QuietHoursSetting.build(GetItemCommand).key({ region }).send()
  const now = clock.now()
  const after = {
    region,
    start: input.start,
    end: input.end,
    updatedAt: now.toISOString(),
    updatedBy: actor.id,
  }
  await executeTransactWrite(
    store.QuietHoursSetting.build(PutTransaction).item(after),
    auditTransaction(store, {
      subject: `QUIET#${region}`,
      actor: actor.id,
      action: 'quiet-hours.saved',
      regionCode: input.regionCode,
      at: now,
      before,
      after,
    }),
  )
  return { regionCode: input.regionCode, start: after.start, end: after.end }
}

/** Saves a template text after checking its parameters: a missing or unknown one is refused now. */
export const saveTemplateText = async (deps: AppDeps, actor: Actor, input: z.infer<typeof templateInput>) => {
  const { store, clock } = deps
  const design = templates[input.template]
  const problems = checkTemplateText({
    text: input.text,
    params: design.params,
    required: design.required,
    examples: design.examples,
  })
  if (problems.length > 0) throw new ValidationError(problems)
  const key = { template: input.template, locale: input.locale }
  const { Item: before } = await store.TemplateText.build(GetItemCommand).key(key).send()
  const now = clock.now()
  const after = {
    ...key,
    text: input.text,
    version: (before?.version ?? 0) + 1,
    updatedAt: now.toISOString(),
    updatedBy: actor.id,
  }
  await executeTransactWrite(
    store.TemplateText.build(PutTransaction)
      .item(after)
      .options({
        condition: before ? { attr: 'version', eq: before.version } : { attr: 'version', exists: false },
      }),
    auditTransaction(store, {
      subject: `TEMPLATE#${input.template}#${input.locale}`,
      actor: actor.id,
      action: 'template.saved',
      regionCode: '',
      at: now,
      before,
      after,
    }),
  )
  return { ...after, length: templateLength(input.text, design.examples) }
}

export const listTemplates = async (deps: AppDeps) =>
  Promise.all(
    (Object.keys(templates) as TemplateName[]).map(async (name) => {
      const design = templates[name]
      const texts = await Promise.all(
        locales.map(async (locale) => {
          const text = await templateText(deps, name, locale)
          return [locale, { text, length: templateLength(text, design.examples) }] as const
        }),
      )
      return {
        template: name,
        params: design.params,
        required: design.required,
        texts: Object.fromEntries(texts),
      }
    }),
  )

export const readNotification = async (deps: AppDeps, actor: Actor, notificationId: string) => {
  const notification = await getNotification(deps, notificationId)
  if (!notification) throw new NotFoundError(`notification ${notificationId} does not exist`)
  requireRegion(actor, notification.regionCode)
  return notification
}
