// What administrators and SMS providers tell the notification service: opt-outs, quiet hours, template texts.
import { timingSafeEqual } from 'node:crypto'
import {
  $append,
  $remove,
  executeTransactWrite,
  GetItemCommand,
  PutTransaction,
  QueryCommand,
  UpdateTransaction,
} from 'dynamodb-toolbox'
import * as z from 'zod'
import { requireInScopeOrNotFound } from '../access/rules/object-scope.ts'
import { isRegionCode, regionIndexKeys, significantPrefix } from '../access/rules/region-scope.ts'
import {
  type Actor,
  isProvincialAdmin,
  requireProvincialAdmin,
  requireRegion,
} from '../access/rules/roles.ts'
import { strictObject } from '../directory/rules/fields.ts'
import { phoneSchema, regionCodeSchema } from '../directory/rules/schemas.ts'
import { auditSubject, auditTransaction, isConditionRefusal } from '../platform/audit.ts'
import { PHONE_INDEX, withoutCipher } from '../platform/crypto/personal-data.ts'
import type { AppDeps } from '../platform/deps.ts'
import { ConflictError, ForbiddenError, UnauthorizedError, ValidationError } from '../platform/errors.ts'
import { idSchema } from '../platform/id.ts'
import { maskPhone } from '../platform/masking.ts'
import { getNotification, notificationView, RESEND_DETAIL, sendMessage } from './notify.ts'
import { inFlightKeys } from './rules/in-flight.ts'
import { quietHoursSchema } from './rules/quiet-hours.ts'
import { checkTemplateText, templateLength } from './rules/template-check.ts'
import { locales, type TemplateName, templates } from './rules/templates.ts'
import { templateText } from './templates.ts'

export const optOutInput = strictObject({
  phone: phoneSchema,
  optedOut: z.boolean(),
  /** Whose number it is: needed below the province level, where a caller's scope is proven by the person's region. */
  petitionerId: idSchema.optional(),
  officerId: idSchema.optional(),
})
export const resolutionInput = strictObject({
  /** `sent`: the provider did send it (its console, a delivery receipt); `resend`: send it again, knowingly. */
  resolution: z.enum(['sent', 'resend']),
  providerMessageId: z.string().min(1).max(200).optional(),
  note: z.string().max(500).optional(),
})
export const quietHoursInput = z.object({ regionCode: regionCodeSchema }).and(quietHoursSchema)
export const templateInput = strictObject({
  template: z.enum(Object.keys(templates) as [TemplateName, ...TemplateName[]]),
  locale: z.enum(locales),
  text: z.string(),
})
// A provider's callback may carry fields of its own: taken as it comes, only these are read.
export const inboundSmsInput = z.object({
  from: phoneSchema,
  text: z.string().max(1000),
  receivedAt: z.iso.datetime({ offset: true }).optional(),
  messageId: z.string().max(200).optional(),
})

/**
 * The documented replies that opt a number out (README, the templates' own "回复TD退订" and "Reply STOP"), compared
 * after trimming spaces and punctuation, in any case and any width (ＴＤ, ｓｔｏｐ). Not 取消 ("cancel"), a natural
 * reply to an appointment SMS, nor a bare T.
 */
export const OPT_OUT_KEYWORDS = ['退订', 'TD', 'STOP'] as const
export const optOutKeyword = (text: string): string | undefined => {
  const word = text
    .normalize('NFKC')
    .replace(/[\s\p{P}\p{S}]/gu, '')
    .toUpperCase()
  return OPT_OUT_KEYWORDS.find((k) => k === word)
}

const saveOptOut = async (
  deps: AppDeps,
  phone: string,
  {
    regionCode,
    ...change
  }: {
    optedOut: boolean
    source: 'sms' | 'admin'
    by: string
    keyword?: string
    /** The audit entry's region: the person's, or the caller's; none for the number's own reply. */
    regionCode?: string
  },
) => {
  const { store, clock, crypto } = deps
  const phoneIndex = crypto.blindIndex(phone, PHONE_INDEX)
  const { Item: before } = await store.OptOut.build(GetItemCommand).key({ phoneIndex }).send()
  const now = clock.now()
  const after = { phoneIndex, phoneMasked: maskPhone(phone), ...change, at: now.toISOString() }
  await executeTransactWrite(
    store.OptOut.build(PutTransaction).item(after),
    auditTransaction(store, {
      subject: auditSubject('opt-out', phoneIndex),
      actor: change.by,
      action: change.optedOut ? 'sms.opted-out' : 'sms.opted-in',
      regionCode: regionCode ?? '',
      at: now,
      // The blind index keys the trail (its subject), and is kept out of what the trail shows.
      before: withoutCipher(before),
      after: withoutCipher(after),
    }),
  )
  return { phone: after.phoneMasked, optedOut: after.optedOut, source: after.source, at: after.at }
}

/**
 * A phone number has no region of its own. An administrator of a province or above may opt any number out or in;
 * anyone else (a supervisor, a county administrator) names the petitioner or officer whose number it is: that
 * person must be in the caller's region, and the number must be theirs (compared by its blind index).
 */
export const setOptOut = async (deps: AppDeps, actor: Actor, input: z.infer<typeof optOutInput>) => {
  if (input.petitionerId && input.officerId) {
    throw new ValidationError([{ field: 'officerId', reason: 'name a petitioner or an officer, not both' }])
  }
  const person = input.petitionerId
    ? {
        kind: 'petitioner',
        id: input.petitionerId,
        record: (
          await deps.store.Petitioner.build(GetItemCommand).key({ petitionerId: input.petitionerId }).send()
        ).Item,
      }
    : input.officerId
      ? {
          kind: 'officer',
          id: input.officerId,
          record: (await deps.store.Officer.build(GetItemCommand).key({ officerId: input.officerId }).send())
            .Item,
        }
      : undefined
  if (!person && !isProvincialAdmin(actor)) {
    throw new ForbiddenError(
      `a number has no region: only a province-level administrator may opt a bare number out or in; name the petitionerId or officerId whose number it is`,
    )
  }
  if (person) {
    // Someone outside the caller's scope is answered as no one: the answer does not say where they are.
    const record = requireInScopeOrNotFound(actor, person.record, `${person.kind} ${person.id}`)
    if (record.phoneIndex !== deps.crypto.blindIndex(input.phone, PHONE_INDEX)) {
      throw new ForbiddenError(`the number is not that of ${person.kind} ${person.id}`)
    }
  }
  return saveOptOut(deps, input.phone, {
    optedOut: input.optedOut,
    source: 'admin',
    by: actor.id,
    regionCode: person?.record?.regionCode ?? actor.regionCode,
  })
}

export const INBOUND_SECRET_HEADER = 'x-aftercare-inbound-secret'

/** The SMS provider's callback proves itself with the shared secret (compared in constant time). */
export const checkInboundSecret = async (deps: AppDeps, presented: string | undefined) => {
  const expected = Buffer.from(await deps.inboundSmsSecret())
  const given = Buffer.from(presented ?? '')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new UnauthorizedError(`header ${INBOUND_SECRET_HEADER} is missing or wrong`)
  }
}

/**
 * An inbound SMS: an opt-out keyword opts its sender out of petitioners' SMS; anything else is logged (masked) and
 * ignored. It does not stop an officer's operational reminders (the dispatcher heeds only an administrator's opt-out
 * for those), and a number an administrator opted out stays so, recorded as the administrator's decision.
 */
export const receiveInboundSms = async (deps: AppDeps, input: z.infer<typeof inboundSmsInput>) => {
  const keyword = optOutKeyword(input.text)
  if (!keyword) {
    deps.logger.info('inbound SMS without a keyword', {
      from: maskPhone(input.from),
      length: input.text.length,
    })
    return { action: 'none' as const }
  }
  const { Item: current } = await deps.store.OptOut.build(GetItemCommand)
    .key({ phoneIndex: deps.crypto.blindIndex(input.from, PHONE_INDEX) })
    .send()
  if (current?.optedOut && current.source === 'admin') return { action: 'opted-out' as const, keyword }
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
      subject: auditSubject('quiet-hours', region),
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
  requireProvincialAdmin(actor, 'template texts are national data')
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
      subject: auditSubject('template', input.template, input.locale),
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
  // One outside the caller's scope is answered as a missing one: 404, not a 403 that would say where it went.
  return requireInScopeOrNotFound(
    actor,
    await getNotification(deps, notificationId),
    `notification ${notificationId}`,
  )
}

/** A region's notifications logged `unknown`: the provider was called, and what it did is not known. */
export const listUnknownNotifications = async (deps: AppDeps, actor: Actor, regionCode: string) => {
  if (!isRegionCode(regionCode)) {
    throw new ValidationError([{ field: 'regionCode', reason: 'must be a 6, 9 or 12 digit division code' }])
  }
  requireRegion(actor, regionCode)
  const { partition } = regionIndexKeys(regionCode)
  const { Items = [] } = await deps.store.table
    .build(QueryCommand)
    .entities(deps.store.Notification)
    .query({
      index: 'gsi3',
      partition: `${partition}#SMS-UNKNOWN`,
      range: { beginsWith: significantPrefix(regionCode) },
    })
    .options({ maxPages: Number.POSITIVE_INFINITY })
    .send()
  return { regionCode, notifications: Items.filter((n) => n.status === 'unknown').map(notificationView) }
}

/** One delivery per resend decision, named by its time: a repeated request for the same decision runs once. */
const resendDelivery = (decidedAt: string) => `resend-${decidedAt}`

/**
 * A person's decision on an `unknown` notification, audited: `sent` (the provider's console or a delivery receipt
 * shows it went out; its message id if known), or `resend` (it did not, or it matters more than a duplicate).
 * A `resend` is repeatable: its message is queued after the transaction, so if that failed, the same request again
 * (the notification still `queued`, its last log entry that decision) queues it again rather than answering 409.
 */
export const resolveUnknownNotification = async (
  deps: AppDeps,
  actor: Actor,
  notificationId: string,
  input: z.infer<typeof resolutionInput>,
) => {
  const { store, clock } = deps
  const n = requireInScopeOrNotFound(
    actor,
    (await store.Notification.build(GetItemCommand).key({ notificationId }).send()).Item,
    `notification ${notificationId}`,
  )
  if (input.resolution === 'resend' && input.providerMessageId) {
    throw new ValidationError([{ field: 'providerMessageId', reason: 'only for a resolution of sent' }])
  }
  const last = n.log.at(-1)
  if (
    input.resolution === 'resend' &&
    n.status === 'queued' &&
    last?.status === 'queued' &&
    last.detail?.startsWith(RESEND_DETAIL)
  ) {
    // A resend already decided, whose message may not have reached the queue (the send after the transaction
    // failed): queue it again, with the same delivery, so that both messages, if both arrived, dispatch once.
    await sendMessage(deps, { notificationId, delivery: resendDelivery(last.at) })
    deps.logger.info('resend queued again', { notificationId, decidedAt: last.at, by: actor.id })
    return notificationView(n)
  }
  if (n.status !== 'unknown')
    throw new ConflictError(`notification ${notificationId} is ${n.status}, not unknown`)
  const now = clock.now()
  const by = `by ${actor.id}${input.note ? `: ${input.note}` : ''}`
  // Sent when the provider was called: the last `sending` of the log.
  const calledAt = n.log.findLast((e) => e.status === 'sending')?.at ?? now.toISOString()
  const changes =
    input.resolution === 'sent'
      ? {
          status: 'sent' as const,
          sentAt: calledAt,
          ...(input.providerMessageId ? { providerMessageId: input.providerMessageId } : {}),
        }
      : { status: 'queued' as const }
  const detail =
    input.resolution === 'sent'
      ? `${input.providerMessageId ?? 'no provider message id'} (unknown resolved as sent ${by})`
      : `${RESEND_DETAIL} ${by}`
  try {
    await executeTransactWrite(
      store.Notification.build(UpdateTransaction)
        .item({
          notificationId,
          ...changes,
          gsi3pk: $remove(),
          gsi3sk: $remove(),
          // A resend is in the sweeper's in-flight list: if its message below is never sent, the sweeper queues it.
          ...(input.resolution === 'resend' ? inFlightKeys(notificationId, now) : {}),
          log: $append([{ at: now.toISOString(), status: changes.status, detail }]),
        })
        .options({ condition: { attr: 'status', eq: 'unknown' } }),
      auditTransaction(store, {
        subject: auditSubject('notification', notificationId),
        actor: actor.id,
        action: input.resolution === 'sent' ? 'sms.unknown-resolved-sent' : 'sms.unknown-resent',
        regionCode: n.regionCode,
        at: now,
        before: { status: n.status },
        after: { ...changes, note: input.note },
      }),
    )
  } catch (error) {
    if (isConditionRefusal(error))
      throw new ConflictError(`notification ${notificationId} was resolved meanwhile`)
    throw error
  }
  if (input.resolution === 'resend') {
    await sendMessage(deps, { notificationId, delivery: resendDelivery(now.toISOString()) })
  }
  return notificationView({
    ...n,
    ...changes,
    log: [...n.log, { at: now.toISOString(), status: changes.status, detail }],
  })
}
