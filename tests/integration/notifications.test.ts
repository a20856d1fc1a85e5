// Notifications as petitioners and officers meet them: quiet hours, opt-out, templates, locales, the officers'
// topic, the send-rate limit, and every SMS sent once or accounted for when the dispatcher crashes or the
// provider fails.

import { SubscribeCommand } from '@aws-sdk/client-sns'
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs'
import { QueryCommand } from 'dynamodb-toolbox'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { queueNotification } from '../../shared/notifications/actions/queue-notification.ts'
import { SmsError } from '../../shared/notifications/sms/port.ts'
import type { FaultPoint } from '../../shared/platform/deps.ts'
import { CountingSms } from '../fixtures/counting-sms.ts'
import {
  admin,
  expectLogged,
  INBOUND_SECRET,
  resolveMatterOfLi,
  seedRegion,
  startTestRuntime,
  type TestRuntime,
} from '../fixtures/runtime.ts'

const supervisor = { sub: 'zhao', role: 'supervisor', region: '330106' } as const
const otherSupervisor = { sub: 'qian', role: 'supervisor', region: '330108' } as const
const countyAdmin = { sub: 'sun', role: 'admin', region: '330106' } as const
const provinceSupervisor = { sub: 'zhou', role: 'supervisor', region: '330000' } as const
const PETITIONER_LI = '+8613900139000'
const OFFICER_WANG = '+8613800138000'

let rt: TestRuntime
afterEach(async () => rt?.stop())

/**
 * A few rounds of the pollers, for a drill whose retries go on by design (throttled, backing off): drain() fails
 * when work is left after its rounds, which is the point here.
 */
const pump = async (rounds: number) => {
  try {
    await rt.drain(rounds)
  } catch (error) {
    if (!/still busy/.test((error as Error).message)) throw error
  }
}

/**
 * Counts provider calls per notification: the local provider keeps one SMS per key, so a second call for the same
 * notification would not show in the SMS list; these counts would.
 */
const countingProvider = () => {
  let counting: CountingSms | undefined
  return {
    wrapSms: (inner: ConstructorParameters<typeof CountingSms>[0]) => {
      counting = new CountingSms(inner)
      return counting
    },
    calls: () => Object.fromEntries(counting?.calls ?? []),
  }
}

const smsTo = async (phone: string) => (await rt.localSms.list()).filter((sms) => sms.phone === phone)

/** Registers and resolves a matter of petitioner Li at the runtime's current time. */
const resolveMatter = async (matterId = 'c-1') => {
  await resolveMatterOfLi(rt, matterId, `${matterId}-resolved`)
  await rt.drain()
  return `sms-${matterId}.${matterId}-resolved-petitioner`
}

const notification = async (id: string) => (await rt.call('GET', `/notifications/${id}`, { as: admin })).body
const statusesOf = (n: { log: { status: string }[] }) => n.log.map((e) => e.status)

const officerReminder = (notificationId: string, sequence = '1') => ({
  notificationId,
  recipientType: 'officer' as const,
  recipientId: 'wang',
  regionCode: '330106009000',
  phone: OFFICER_WANG,
  locale: 'zh-CN',
  template: 'officer-visit-reminder' as const,
  params: { officerName: '王芳', sequence, matterId: 'c-9', petitionerName: '李明', dueDate: '2026-03-09' },
})

describe('quiet hours', () => {
  it('holds a petitioner SMS at 22:00 until 08:00 the next morning, and sends it then', async () => {
    const provider = countingProvider()
    rt = await startTestRuntime('2026-03-05T14:00:00Z', { wrapSms: provider.wrapSms }) // 22:00 in Shanghai
    await seedRegion(rt)
    const id = await resolveMatter()
    expect(await smsTo(PETITIONER_LI)).toEqual([])
    const held = await notification(id)
    expect(held.status).toBe('deferred')
    expect(held.phone).toBe('139****9000')
    expect(held.log.at(-1)).toMatchObject({
      status: 'deferred',
      detail: expect.stringContaining('2026-03-06T00:00:00.000Z'),
    })

    rt.clock.set('2026-03-05T23:59:00Z')
    await rt.sweep()
    await rt.drain()
    expect(await smsTo(PETITIONER_LI)).toEqual([])

    rt.clock.set('2026-03-06T00:00:00Z')
    await rt.sweep()
    await rt.drain()
    const sent = await smsTo(PETITIONER_LI)
    expect(sent).toHaveLength(1)
    expect(sent[0]?.sentAt).toBe('2026-03-06T00:00:00.000Z')
    expect(provider.calls()).toEqual({ [id]: 1 })
    expect((await notification(id)).log.map((e: { status: string }) => e.status)).toEqual([
      'queued',
      'deferred',
      'queued',
      'sending',
      'sent',
    ])
  })

  it('defers again when released into hours an administrator made longer meanwhile, and sends at the new end', async () => {
    const provider = countingProvider()
    rt = await startTestRuntime('2026-03-05T14:00:00Z', { wrapSms: provider.wrapSms }) // 22:00, quiet until 08:00
    await seedRegion(rt)
    const id = await resolveMatter()
    expect((await notification(id)).status).toBe('deferred')
    rt.clock.set('2026-03-05T23:00:00Z') // 07:00: the end moves to 09:00
    const set = await rt.call('POST', '/admin/quiet-hours', {
      as: admin,
      body: { regionCode: '330106', start: '21:00', end: '09:00' },
    })
    expect(set.status).toBe(200)
    rt.clock.set('2026-03-06T00:00:00Z') // 08:00
    await rt.sweep()
    await rt.drain()
    expect(await smsTo(PETITIONER_LI)).toEqual([])
    const again = await notification(id)
    expect(again.status).toBe('deferred')
    expect(again.log.at(-1)).toMatchObject({
      status: 'deferred',
      detail: expect.stringContaining('until 2026-03-06T01:00:00.000Z'),
    })
    rt.clock.set('2026-03-06T01:00:00Z') // 09:00
    await rt.sweep()
    await rt.drain()
    const sent = await smsTo(PETITIONER_LI)
    expect(sent).toHaveLength(1)
    expect(sent[0]?.sentAt).toBe('2026-03-06T01:00:00.000Z')
    expect(provider.calls()).toEqual({ [id]: 1 })
    expect(statusesOf(await notification(id))).toEqual([
      'queued',
      'deferred',
      'queued',
      'deferred',
      'queued',
      'sending',
      'sent',
    ])
  })

  it("follows a region's own quiet hours, set by an administrator", async () => {
    const provider = countingProvider()
    rt = await startTestRuntime('2026-03-06T00:30:00Z', { wrapSms: provider.wrapSms }) // 08:30 in Shanghai
    await seedRegion(rt)
    const set = await rt.call('POST', '/admin/quiet-hours', {
      as: admin,
      body: { regionCode: '330106', start: '20:00', end: '09:00' },
    })
    expect(set.status).toBe(200)
    const id = await resolveMatter()
    expect((await notification(id)).status).toBe('deferred')
    rt.clock.set('2026-03-06T01:00:00Z')
    await rt.sweep()
    await rt.drain()
    expect(await smsTo(PETITIONER_LI)).toHaveLength(1)
    expect(provider.calls()).toEqual({ [id]: 1 })
  })

  it("does not hold an officer's reminder at night", async () => {
    const provider = countingProvider()
    rt = await startTestRuntime('2026-03-05T14:00:00Z', { wrapSms: provider.wrapSms })
    await seedRegion(rt)
    await queueNotification(rt.deps, {
      notificationId: 'night-reminder',
      recipientType: 'officer',
      recipientId: 'wang',
      regionCode: '330106009000',
      phone: OFFICER_WANG,
      locale: 'zh-CN',
      template: 'officer-visit-reminder',
      params: {
        officerName: '王芳',
        sequence: '1',
        matterId: 'c-9',
        petitionerName: '李明',
        dueDate: '2026-03-09',
      },
    })
    await rt.drain()
    expect(await smsTo(OFFICER_WANG)).toHaveLength(1)
    expect(provider.calls()).toEqual({ 'night-reminder': 1 })
  })
})

describe('opting out', () => {
  it('opts the sender out on 退订, and suppresses and logs the next SMS to that number', async () => {
    rt = await startTestRuntime('2026-03-05T02:00:00Z')
    await seedRegion(rt)
    const refused = await rt.call('POST', '/sms/inbound', {
      body: { from: PETITIONER_LI, text: '退订' },
      headers: { 'x-aftercare-inbound-secret': 'guess' },
    })
    expect(refused.status).toBe(401)
    const inbound = await rt.call('POST', '/sms/inbound', {
      body: { from: '13900139000', text: ' 退订。' },
      headers: { 'x-aftercare-inbound-secret': INBOUND_SECRET },
    })
    expect(inbound.status).toBe(200)
    expect(inbound.body).toEqual({ action: 'opted-out', keyword: '退订' })

    const id = await resolveMatter()
    expect(await smsTo(PETITIONER_LI)).toEqual([])
    const suppressed = await notification(id)
    expect(suppressed.status).toBe('suppressed')
    expect(suppressed.log.at(-1)).toMatchObject({ status: 'suppressed', detail: 'the number opted out' })
  })

  it.each(['TD', 'td', 'ＴＤ', 'stop', 'Stop!', 'ＳＴＯＰ', '退订'])(
    'recognises %s, and ignores other replies',
    async (text) => {
      rt = await startTestRuntime('2026-03-05T02:00:00Z')
      const other = await rt.call('POST', '/sms/inbound', {
        body: { from: PETITIONER_LI, text: '谢谢，已收到' },
        headers: { 'x-aftercare-inbound-secret': INBOUND_SECRET },
      })
      expect(other.body).toEqual({ action: 'none' })
      const r = await rt.call('POST', '/sms/inbound', {
        body: { from: PETITIONER_LI, text },
        headers: { 'x-aftercare-inbound-secret': INBOUND_SECRET },
      })
      expect(r.body.action).toBe('opted-out')
    },
  )

  it.each(['取消', 'T', 't', '取消。', 'UNSUBSCRIBE'])(
    'does not opt a petitioner out on %s: the petitioner still gets the SMS',
    async (text) => {
      const provider = countingProvider()
      rt = await startTestRuntime('2026-03-05T02:00:00Z', { wrapSms: provider.wrapSms })
      await seedRegion(rt)
      const reply = await rt.call('POST', '/sms/inbound', {
        body: { from: PETITIONER_LI, text },
        headers: { 'x-aftercare-inbound-secret': INBOUND_SECRET },
      })
      expect(reply.body).toEqual({ action: 'none' })
      const id = await resolveMatter()
      expect((await smsTo(PETITIONER_LI)).map((sms) => sms.text)).toEqual([
        '【信访回访】李明您好：您反映的事项c-1已办结，我们将于2026-03-16前回访，听取您的意见。回复TD退订。',
      ])
      expect(provider.calls()).toEqual({ [id]: 1 })
    },
  )

  it("does not stop an officer's reminders on the officer's own 退订; an administrator's opt-out does", async () => {
    const provider = countingProvider()
    rt = await startTestRuntime('2026-03-05T02:00:00Z', { wrapSms: provider.wrapSms })
    await seedRegion(rt)
    const reply = await rt.call('POST', '/sms/inbound', {
      body: { from: OFFICER_WANG, text: '退订' },
      headers: { 'x-aftercare-inbound-secret': INBOUND_SECRET },
    })
    expect(reply.body).toEqual({ action: 'opted-out', keyword: '退订' })
    await queueNotification(rt.deps, officerReminder('after-reply', '1'))
    await rt.drain()
    expect((await smsTo(OFFICER_WANG)).map((sms) => sms.text)).toEqual([
      '【回访提醒】王芳：信访事项c-9的第1次回访（回访对象李明）应于2026-03-09完成。',
    ])
    expect((await notification('after-reply')).status).toBe('sent')

    const decided = await rt.call('POST', '/admin/opt-outs', {
      as: admin,
      body: { phone: OFFICER_WANG, optedOut: true, officerId: 'wang' },
    })
    expect(decided.status).toBe(200)
    // A later reply from the phone does not turn the administrator's decision into the officer's own.
    await rt.call('POST', '/sms/inbound', {
      body: { from: OFFICER_WANG, text: 'TD' },
      headers: { 'x-aftercare-inbound-secret': INBOUND_SECRET },
    })
    await queueNotification(rt.deps, officerReminder('after-decision', '2'))
    await rt.drain()
    expect((await notification('after-decision')).status).toBe('suppressed')
    expect(await smsTo(OFFICER_WANG)).toHaveLength(1)
    expect(provider.calls()).toEqual({ 'after-reply': 1 })
  })

  it('lets an administrator opt a number out and back in', async () => {
    const provider = countingProvider()
    rt = await startTestRuntime('2026-03-05T02:00:00Z', { wrapSms: provider.wrapSms })
    await seedRegion(rt)
    const out = await rt.call('POST', '/admin/opt-outs', {
      as: admin,
      body: { phone: PETITIONER_LI, optedOut: true },
    })
    expect(out.body).toMatchObject({ phone: '139****9000', optedOut: true, source: 'admin' })
    const back = await rt.call('POST', '/admin/opt-outs', {
      as: admin,
      body: { phone: PETITIONER_LI, optedOut: false },
    })
    expect(back.body.optedOut).toBe(false)
    const id = await resolveMatter()
    expect(await smsTo(PETITIONER_LI)).toHaveLength(1)
    expect(provider.calls()).toEqual({ [id]: 1 })
  })
})

describe('who may opt a number out', () => {
  it('refuses a supervisor or county administrator who does not show whose number it is, in their region', async () => {
    rt = await startTestRuntime('2026-03-05T02:00:00Z')
    await seedRegion(rt)
    const optOut = (
      as: typeof supervisor | typeof otherSupervisor | typeof countyAdmin | typeof provinceSupervisor,
      body: object,
    ) => rt.call('POST', '/admin/opt-outs', { as, body: { phone: PETITIONER_LI, optedOut: true, ...body } })
    // A bare number has no region: only a province-level administrator may; not a county's, nor a supervisor of
    // a province.
    expect((await optOut(supervisor, {})).status).toBe(403)
    expect((await optOut(countyAdmin, {})).status).toBe(403)
    const provincial = await optOut(provinceSupervisor, {})
    expect(provincial.status).toBe(403)
    expect(provincial.body.message).toContain('only a province-level administrator')
    // Naming whose number it is, in their province, a province's supervisor may.
    expect((await optOut(provinceSupervisor, { petitionerId: 'li', optedOut: false })).status).toBe(200)
    // Li lives in 330106: a supervisor of 330108 may not, even naming her; she is answered as no one.
    expect((await optOut(otherSupervisor, { petitionerId: 'li' })).status).toBe(404)
    // Naming Li with someone else's number is refused too.
    const wrong = await rt.call('POST', '/admin/opt-outs', {
      as: supervisor,
      body: { phone: OFFICER_WANG, optedOut: true, petitionerId: 'li' },
    })
    expect(wrong.status).toBe(403)
    expect((await optOut(supervisor, { petitionerId: 'nobody' })).status).toBe(404)
    const ok = await optOut(supervisor, { petitionerId: 'li' })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ phone: '139****9000', optedOut: true })
    const officer = await rt.call('POST', '/admin/opt-outs', {
      as: countyAdmin,
      body: { phone: OFFICER_WANG, optedOut: true, officerId: 'wang' },
    })
    expect(officer.status).toBe(200)
  })
})

describe('templates and locales', () => {
  it('lets only an administrator of a province or above save a text: template texts are national data', async () => {
    rt = await startTestRuntime('2026-03-05T02:00:00Z')
    const body = {
      template: 'petitioner-visit-planned',
      locale: 'zh-CN',
      text: '【西湖信访】{petitionerName}：我们将于{dueDate}前回访。',
    }
    const county = await rt.call('POST', '/admin/templates', { as: countyAdmin, body })
    expect(county.status).toBe(403)
    expect((await rt.call('POST', '/admin/templates', { as: admin, body })).status).toBe(200)
  })

  it('refuses a template text with a missing or unknown parameter when it is saved', async () => {
    rt = await startTestRuntime('2026-03-05T02:00:00Z')
    const missing = await rt.call('POST', '/admin/templates', {
      as: admin,
      body: {
        template: 'petitioner-visit-planned',
        locale: 'zh-CN',
        text: '{petitionerName}您好，我们会来回访。',
      },
    })
    expect(missing.status).toBe(400)
    expect(missing.body.problems[0]).toMatchObject({
      field: 'text',
      reason: expect.stringContaining('{dueDate}'),
    })
    const unknown = await rt.call('POST', '/admin/templates', {
      as: admin,
      body: {
        template: 'petitioner-visit-planned',
        locale: 'zh-CN',
        text: '{name}您好，我们将于{dueDate}前回访。',
      },
    })
    expect(unknown.status).toBe(400)
    expect(unknown.body.problems[0].reason).toContain('{name}')
    const locale = await rt.call('POST', '/admin/templates', {
      as: admin,
      body: { template: 'petitioner-visit-planned', locale: 'fr', text: 'Bonjour {dueDate}' },
    })
    expect(locale.status).toBe(400)
    expect(locale.body.problems[0].field).toBe('locale')
  })

  it('sends the saved text, and shows its length in SMS parts', async () => {
    rt = await startTestRuntime('2026-03-05T02:00:00Z')
    await seedRegion(rt)
    const saved = await rt.call('POST', '/admin/templates', {
      as: admin,
      body: {
        template: 'petitioner-visit-planned',
        locale: 'zh-CN',
        text: '【西湖信访】{petitionerName}：我们将于{dueDate}前回访。',
      },
    })
    expect(saved.status).toBe(200)
    expect(saved.body.length).toEqual({ encoding: 'UCS-2', characters: 27, parts: 1 })
    await resolveMatter()
    expect((await smsTo(PETITIONER_LI))[0]?.text).toBe('【西湖信访】李明：我们将于2026-03-16前回访。')
    const listed = await rt.call('GET', '/admin/templates', { as: admin })
    const planned = listed.body.templates.find(
      (t: { template: string }) => t.template === 'petitioner-visit-planned',
    )
    expect(planned.texts['zh-CN'].text).toContain('西湖信访')
    // A Chinese name makes even the English text UCS-2: 119 characters cost two parts.
    expect(planned.texts.en.length).toEqual({ encoding: 'UCS-2', characters: 119, parts: 2 })
  })

  it('writes to a recipient whose locale has no texts in Chinese, and in English to an English speaker', async () => {
    rt = await startTestRuntime('2026-03-05T02:00:00Z')
    const base = {
      recipientType: 'officer' as const,
      recipientId: 'wang',
      regionCode: '330106',
      phone: OFFICER_WANG,
      template: 'officer-visit-reminder' as const,
      params: {
        officerName: 'Wang',
        sequence: '2',
        matterId: 'c-7',
        petitionerName: 'Li',
        dueDate: '2026-03-09',
      },
    }
    await queueNotification(rt.deps, { ...base, notificationId: 'fr', locale: 'fr-FR' })
    await queueNotification(rt.deps, { ...base, notificationId: 'en', locale: 'en' })
    await rt.drain()
    const texts = (await smsTo(OFFICER_WANG)).map((s) => s.text).sort()
    expect(texts).toEqual([
      'Aftercare reminder for Wang: return visit 2 on matter c-7 (Li) is due on 2026-03-09.',
      '【回访提醒】Wang：信访事项c-7的第2次回访（回访对象Li）应于2026-03-09完成。',
    ])
  })
})

describe('the officers topic', () => {
  const subscribe = async (name: string, prefix: string) => {
    const { QueueUrl } = await rt.sqs.send(new CreateQueueCommand({ QueueName: `${name}-${Date.now()}` }))
    const { Attributes } = await rt.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    )
    await rt.sns.send(
      new SubscribeCommand({
        TopicArn: rt.provisioned.topicArns.officers,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: {
          FilterPolicy: JSON.stringify({ regionCode: [{ prefix }] }),
          RawMessageDelivery: 'true',
        },
      }),
    )
    return QueueUrl as string
  }
  const received = async (url: string) =>
    (await rt.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }))).Messages ?? []

  it("carries regionCode, so that a unit's subscription with a prefix filter gets only its region", async () => {
    rt = await startTestRuntime('2026-03-05T02:00:00Z')
    await seedRegion(rt)
    const xihu = await subscribe('xihu-pager', '330106')
    const other = await subscribe('binjiang-pager', '330108')
    await queueNotification(rt.deps, {
      notificationId: 'topic-1',
      recipientType: 'officer',
      recipientId: 'wang',
      regionCode: '330106009000',
      phone: OFFICER_WANG,
      locale: 'zh-CN',
      template: 'officer-visit-reminder',
      params: {
        officerName: '王芳',
        sequence: '1',
        matterId: 'c-9',
        petitionerName: '李明',
        dueDate: '2026-03-09',
      },
    })
    await rt.drain()
    const [message] = await received(xihu)
    expect(message?.Body).toContain('【回访提醒】王芳')
    expect(await received(other)).toEqual([])
    expect((await notification('topic-1')).topic).toBe('published')
  })

  it("reaches the topic with an opted-out officer's reminder, and with one whose SMS the provider refused", async () => {
    rt = await startTestRuntime('2026-03-05T02:00:00Z', {
      wrapSms: (inner) =>
        new CountingSms(inner, (m) =>
          m.idempotencyKey === 'refused' ? new SmsError('invalid number (drill)', 'permanent') : undefined,
        ),
    })
    await seedRegion(rt)
    const pager = await subscribe('xihu-pager', '330106')
    await rt.call('POST', '/admin/opt-outs', { as: admin, body: { phone: OFFICER_WANG, optedOut: true } })
    await queueNotification(rt.deps, officerReminder('opted-out', '1'))
    await rt.drain()
    const suppressed = await notification('opted-out')
    expect(suppressed.status).toBe('suppressed')
    expect(suppressed.topic).toBe('published')
    expect(statusesOf(suppressed)).toEqual(['queued', 'topic-published', 'suppressed'])
    expect((await received(pager)).map((m) => m.Body)).toEqual([expect.stringContaining('第1次回访')])

    await rt.call('POST', '/admin/opt-outs', { as: admin, body: { phone: OFFICER_WANG, optedOut: false } })
    await queueNotification(rt.deps, officerReminder('refused', '2'))
    await rt.drain()
    const refused = await notification('refused')
    expect(refused.status).toBe('failed')
    expect(refused.log.at(-1)).toMatchObject({ status: 'failed', detail: 'invalid number (drill)' })
    expect(refused.topic).toBe('published')
    expect((await received(pager)).map((m) => m.Body)).toEqual([expect.stringContaining('第2次回访')])
    // The drill's own errors, expected: the log an operator would read.
    expectLogged(rt, ['SMS refused by the provider'])
  })
})

describe('the send-rate limit', () => {
  it('holds sends to the limit per second across dispatchers, and loses none', async () => {
    const provider = countingProvider()
    rt = await startTestRuntime('2026-03-05T02:00:00Z', { smsMaxPerSecond: 2, wrapSms: provider.wrapSms })
    for (let i = 0; i < 5; i++) {
      await queueNotification(rt.deps, {
        notificationId: `rate-${i}`,
        recipientType: 'officer',
        recipientId: 'wang',
        regionCode: '330106',
        phone: OFFICER_WANG,
        locale: 'zh-CN',
        template: 'officer-visit-reminder',
        params: {
          officerName: '王芳',
          sequence: String(i),
          matterId: 'c-9',
          petitionerName: '李明',
          dueDate: '2026-03-09',
        },
      })
    }
    await pump(20)
    expect(await smsTo(OFFICER_WANG)).toHaveLength(2)
    rt.clock.advance(1000)
    await pump(20)
    expect(await smsTo(OFFICER_WANG)).toHaveLength(4)
    rt.clock.advance(1000)
    await pump(20)
    expect(await smsTo(OFFICER_WANG)).toHaveLength(5)
    // Held, never sent twice: one provider call per notification.
    expect(provider.calls()).toEqual(Object.fromEntries([0, 1, 2, 3, 4].map((i) => [`rate-${i}`, 1])))
  })
})

describe('crashes and failures', () => {
  const request = (i: number) => ({
    notificationId: `n-${i}`,
    recipientType: 'officer' as const,
    recipientId: 'wang',
    regionCode: '330106',
    phone: OFFICER_WANG,
    locale: 'zh-CN',
    template: 'officer-visit-reminder' as const,
    params: {
      officerName: '王芳',
      sequence: String(i),
      matterId: 'c-9',
      petitionerName: '李明',
      dueDate: '2026-03-09',
    },
  })

  /** Fails the named step once for every notification, as a process dying there would. */
  const crashOnceAt = (point: FaultPoint) => {
    const crashed = new Set<string>()
    return (p: FaultPoint, notificationId: string) => {
      if (p !== point || crashed.has(notificationId)) return
      crashed.add(notificationId)
      throw new Error(`drill: crash at ${point}`)
    }
  }

  /** Drains until the crashed messages have come back after their (one-second) visibility timeout. */
  const drainThroughRetries = async (rounds = 4) => {
    for (let round = 0; round < rounds; round++) {
      await rt.drain()
      await new Promise((r) => setTimeout(r, 1100))
    }
    await rt.drain()
  }

  it.each<FaultPoint>(['dispatch:before-provider', 'dispatch:after-provider', 'dispatch:before-record'])(
    'sends each SMS exactly once when the dispatcher crashes at %s (the provider can be asked)',
    async (point) => {
      let counting: CountingSms | undefined
      rt = await startTestRuntime('2026-03-05T02:00:00Z', {
        fault: crashOnceAt(point),
        wrapSms: (inner) => {
          counting = new CountingSms(inner, undefined, { keepLookup: true })
          return counting
        },
      })
      for (let i = 0; i < 10; i++) await queueNotification(rt.deps, request(i))
      await drainThroughRetries()
      expect(await smsTo(OFFICER_WANG)).toHaveLength(10)
      for (let i = 0; i < 10; i++) expect((await notification(`n-${i}`)).status).toBe('sent')
      // Where the crash came after the provider accepted, the provider was asked, not called again.
      expect([...(counting?.calls.values() ?? [])]).toEqual(Array(10).fill(1))
      const log: { status: string; detail?: string }[] = (await notification('n-0')).log
      if (point === 'dispatch:before-provider') {
        // Nothing was written before the crash: the redelivery sent it, on the first attempt.
        expect(log.filter((e) => e.status === 'sending').map((e) => e.detail)).toEqual(['attempt 1'])
        expect(log.at(-1)).toMatchObject({ status: 'sent', detail: 'local-n-0' })
      } else {
        expect(log.at(-1)).toMatchObject({
          status: 'sent',
          detail: 'local-n-0 (reconciled with the provider)',
        })
      }
    },
    30_000,
  )

  it('sends each SMS exactly once after a crash before the provider was called, with a provider that cannot be asked', async () => {
    let counting: CountingSms | undefined
    rt = await startTestRuntime('2026-03-05T02:00:00Z', {
      fault: crashOnceAt('dispatch:before-provider'),
      wrapSms: (inner) => {
        counting = new CountingSms(inner) // no lookup, like SNS
        return counting
      },
    })
    for (let i = 0; i < 5; i++) await queueNotification(rt.deps, request(i))
    await drainThroughRetries()
    for (let i = 0; i < 5; i++) expect((await notification(`n-${i}`)).status).toBe('sent')
    expect([...(counting?.calls.values() ?? [])]).toEqual([1, 1, 1, 1, 1])
    expect(await smsTo(OFFICER_WANG)).toHaveLength(5)
  }, 30_000)

  it('logs unknown, does not resend, and lists it for the region until a person resolves it', async () => {
    let counting: CountingSms | undefined
    rt = await startTestRuntime('2026-03-05T02:00:00Z', {
      fault: crashOnceAt('dispatch:after-provider'),
      wrapSms: (inner) => {
        counting = new CountingSms(inner) // no lookup, like SNS
        return counting
      },
    })
    for (let i = 0; i < 3; i++) await queueNotification(rt.deps, request(i))
    await drainThroughRetries()
    for (let i = 0; i < 3; i++) {
      const n = await notification(`n-${i}`)
      expect(n.status).toBe('unknown')
      expect(n.log.at(-1)).toMatchObject({ status: 'unknown', detail: expect.stringContaining('not resent') })
    }
    expect([...(counting?.calls.values() ?? [])]).toEqual([1, 1, 1])

    const listed = await rt.call('GET', '/regions/330106/notifications/unknown', { as: supervisor })
    expect(listed.status).toBe(200)
    expect(listed.body.notifications.map((n: { notificationId: string }) => n.notificationId).sort()).toEqual(
      ['n-0', 'n-1', 'n-2'],
    )
    expect(listed.body.notifications[0].phone).toBe('138****8000')
    expect(listed.body.notifications[0].phoneCipher).toBeUndefined()
    expect(
      (await rt.call('GET', '/regions/330106/notifications/unknown', { as: otherSupervisor })).status,
    ).toBe(403)
    expect(
      (await rt.call('GET', '/regions/330108/notifications/unknown', { as: otherSupervisor })).body
        .notifications,
    ).toEqual([])
    const resolve = (id: string, body: object, as: typeof supervisor | typeof otherSupervisor = supervisor) =>
      rt.call('POST', `/notifications/${id}/resolution`, { as, body })
    // Outside the supervisor's scope the notification is answered as one that does not exist.
    expect((await resolve('n-0', { resolution: 'sent' }, otherSupervisor)).status).toBe(404)

    // The provider's console shows n-0 went out; n-1 did not: resend it, knowingly.
    const sent = await resolve('n-0', { resolution: 'sent', providerMessageId: 'sns-abc', note: 'console' })
    expect(sent.status).toBe(200)
    expect(sent.body).toMatchObject({ status: 'sent', providerMessageId: 'sns-abc' })
    expect((await resolve('n-0', { resolution: 'resend' })).status).toBe(409)
    const resend = await resolve('n-1', { resolution: 'resend', note: 'no delivery receipt' })
    expect(resend.status).toBe(200)
    await rt.drain()
    const n1 = await notification('n-1')
    expect(n1.status).toBe('sent')
    expect(n1.log.slice(-3)).toMatchObject([
      { status: 'queued', detail: 'resend decided by zhao: no delivery receipt' },
      { status: 'sending', detail: 'attempt 2' },
      { status: 'sent' },
    ])
    expect(counting?.calls.get('n-1')).toBe(2) // the one duplicate, decided by a person
    expect(counting?.calls.get('n-0')).toBe(1)
    const left = await rt.call('GET', '/regions/330106/notifications/unknown', { as: supervisor })
    expect(left.body.notifications.map((n: { notificationId: string }) => n.notificationId)).toEqual(['n-2'])
    const { Items: audit = [] } = await rt.deps.store.table
      .build(QueryCommand)
      .entities(rt.deps.store.Audit)
      .query({ partition: 'AUDIT#NOTIFICATION#n-1' })
      .send()
    expect(audit).toMatchObject([{ actor: 'zhao', action: 'sms.unknown-resent', regionCode: '330106' }])
    // The drill's own errors, expected: the log an operator would read.
    expectLogged(rt, ['SMS outcome unknown: not resent'])
  }, 30_000)

  it('queues a resend again when the request is repeated after its message was lost, and sends it once', async () => {
    let counting: CountingSms | undefined
    rt = await startTestRuntime('2026-03-05T02:00:00Z', {
      wrapSms: (inner) => {
        counting = new CountingSms(inner, (m) =>
          counting?.calls.get(m.idempotencyKey) === 1
            ? new SmsError('socket hang up (drill)', 'uncertain')
            : undefined,
        )
        return counting
      },
    })
    await queueNotification(rt.deps, request(0))
    await rt.drain()
    expect((await notification('n-0')).status).toBe('unknown')
    // The queue refuses the resend's message once, after the resolution's transaction was written.
    const { queues } = rt.functionDeps['notifications-api']
    const send = queues.send.bind(queues)
    let dropped = 0
    queues.send = async (queue, body, delay) => {
      if (dropped === 0 && queue === 'notifications' && body.includes('"notificationId":"n-0"')) {
        dropped++
        throw new Error('SQS unavailable (drill)')
      }
      return send(queue, body, delay)
    }
    const resolve = () =>
      rt.call('POST', '/notifications/n-0/resolution', { as: supervisor, body: { resolution: 'resend' } })
    const lost = await resolve()
    expect(lost.status).toBeGreaterThanOrEqual(500)
    expect(dropped).toBe(1)
    await rt.drain()
    // Resolved but never queued: queued, off the unknown list, and nothing sent.
    const stuck = await notification('n-0')
    expect(stuck.status).toBe('queued')
    expect(stuck.log.at(-1)).toMatchObject({ status: 'queued', detail: 'resend decided by zhao' })
    expect(counting?.calls.get('n-0')).toBe(1)
    // The same request again queues it, and it is sent once.
    const again = await resolve()
    expect(again.status).toBe(200)
    expect(again.body.status).toBe('queued')
    await rt.drain()
    const sent = await notification('n-0')
    expect(sent.status).toBe('sent')
    expect(statusesOf(sent).filter((s) => s === 'queued')).toHaveLength(2) // created, and the one resend
    expect(counting?.calls.get('n-0')).toBe(2)
    expect(counting?.accepted.get('n-0')).toBe(1)
    expect((await resolve()).status).toBe(409)
    const { Items: audit = [] } = await rt.deps.store.table
      .build(QueryCommand)
      .entities(rt.deps.store.Audit)
      .query({ partition: 'AUDIT#NOTIFICATION#n-0' })
      .send()
    expect(audit).toMatchObject([{ actor: 'zhao', action: 'sms.unknown-resent' }])
    // The drill's own errors, expected: the log an operator would read.
    expectLogged(rt, ['SMS outcome unknown: not resent', 'request failed'])
  }, 30_000)

  it('counts the retry window of a resend from the decision, not from the notification created days before', async () => {
    let counting: CountingSms | undefined
    rt = await startTestRuntime('2026-03-05T02:00:00Z', {
      wrapSms: (inner) => {
        counting = new CountingSms(inner, (m) => {
          const call = counting?.calls.get(m.idempotencyKey)
          if (call === 1) return new SmsError('socket hang up (drill)', 'uncertain')
          if (call === 2) return new SmsError('Rate exceeded (drill)', 'throttled')
          return undefined
        })
        return counting
      },
    })
    await queueNotification(rt.deps, request(0))
    await rt.drain()
    expect((await notification('n-0')).status).toBe('unknown')
    rt.clock.advance(5 * 24 * 3600 * 1000) // decided five days later: past a window counted from creation
    const resend = await rt.call('POST', '/notifications/n-0/resolution', {
      as: supervisor,
      body: { resolution: 'resend' },
    })
    expect(resend.status).toBe(200)
    await rt.drain()
    const n = await notification('n-0')
    expect(n.status).toBe('sent')
    expect(statusesOf(n).slice(-5)).toEqual(['queued', 'sending', 'retrying', 'sending', 'sent'])
    expect(counting?.calls.get('n-0')).toBe(3)
    // The drill's own errors, expected: the log an operator would read.
    expectLogged(rt, ['SMS outcome unknown: not resent'])
  }, 30_000)

  it('logs unknown, not resent, when the provider gives no clear answer', async () => {
    let counting: CountingSms | undefined
    rt = await startTestRuntime('2026-03-05T02:00:00Z', {
      wrapSms: (inner) => {
        counting = new CountingSms(inner, () => new SmsError('socket hang up (drill)', 'uncertain'))
        return counting
      },
    })
    await queueNotification(rt.deps, request(0))
    await rt.drain()
    const n = await notification('n-0')
    expect(n.status).toBe('unknown')
    expect(n.log.at(-1).detail).toContain('socket hang up (drill)')
    expect(counting?.calls.get('n-0')).toBe(1)
    // The drill's own errors, expected: the log an operator would read.
    expectLogged(rt, ['SMS outcome unknown: not resent'])
  })

  it('keeps retrying a throttled SMS well past six attempts, and sends it once', async () => {
    let counting: CountingSms | undefined
    rt = await startTestRuntime('2026-03-05T02:00:00Z', {
      wrapSms: (inner) => {
        counting = new CountingSms(inner, (m) =>
          (counting?.calls.get(m.idempotencyKey) ?? 0) <= 12
            ? new SmsError('Rate exceeded (drill)', 'throttled')
            : undefined,
        )
        return counting
      },
    })
    await queueNotification(rt.deps, request(0))
    await rt.drain()
    const n = await notification('n-0')
    expect(n.status).toBe('sent')
    expect(counting?.calls.get('n-0')).toBe(13)
    expect(counting?.accepted.get('n-0')).toBe(1)
    const retries = n.log.filter((e: { status: string }) => e.status === 'retrying')
    expect(retries).toHaveLength(12)
    expect(retries[0].detail).toMatch(/^throttled: Rate exceeded \(drill\); next attempt in \d+ s$/)
  })

  it('fails a permanently refused SMS at once with the reason, and gives up throttling after the retry window', async () => {
    let counting: CountingSms | undefined
    rt = await startTestRuntime('2026-03-05T02:00:00Z', {
      wrapSms: (inner) => {
        counting = new CountingSms(inner, (m) =>
          m.idempotencyKey === 'n-0'
            ? new SmsError('InvalidParameter: bad number (drill)', 'permanent')
            : new SmsError('Rate exceeded (drill)', 'throttled'),
        )
        return counting
      },
    })
    await queueNotification(rt.deps, request(0))
    await queueNotification(rt.deps, request(1))
    await pump(10)
    const refused = await notification('n-0')
    expect(refused.status).toBe('failed')
    expect(refused.log.at(-1)).toMatchObject({
      status: 'failed',
      detail: 'InvalidParameter: bad number (drill)',
    })
    expect(counting?.calls.get('n-0')).toBe(1)
    expect((await notification('n-1')).status).toBe('retrying')
    rt.clock.advance(4 * 24 * 3600 * 1000)
    await rt.drain()
    const given = await notification('n-1')
    expect(given.status).toBe('failed')
    expect(given.log.at(-1).detail).toContain('given up after')
    // The drill's own errors, expected: the log an operator would read.
    expectLogged(rt, ['SMS refused by the provider', 'SMS given up after its retry window'])
  })

  it("stores and logs a provider's error text with the number and the ID in it masked", async () => {
    rt = await startTestRuntime('2026-03-05T02:00:00Z', {
      wrapSms: (inner) =>
        new CountingSms(
          inner,
          () =>
            new SmsError(
              'InvalidParameter: PhoneNumber +8613800138000 (owner 330106199001011234) is blocked (drill)',
              'permanent',
            ),
        ),
    })
    const logged: unknown[] = []
    const { logger } = rt.functionDeps['notification-dispatcher']
    vi.spyOn(logger, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args)
    })
    await queueNotification(rt.deps, request(0))
    await rt.drain()
    const n = await notification('n-0')
    expect(n.status).toBe('failed')
    expect(n.log.at(-1)).toMatchObject({
      status: 'failed',
      detail: 'InvalidParameter: PhoneNumber 138****8000 (owner 330***********1234) is blocked (drill)',
    })
    const text = JSON.stringify(logged)
    expect(text).toContain('138****8000 (owner 330***********1234)')
    expect(text).not.toContain('13800138000')
    expect(text).not.toContain('199001011234')
  })

  it('gives up a throttled petitioner SMS four days after it was created, although each night deferred it', async () => {
    rt = await startTestRuntime('2026-03-05T02:00:00Z', {
      wrapSms: (inner) => new CountingSms(inner, () => new SmsError('Rate exceeded (drill)', 'throttled')),
    })
    await queueNotification(rt.deps, {
      notificationId: 'p-0',
      recipientType: 'petitioner',
      recipientId: 'li',
      regionCode: '330106',
      phone: '+8613900139000',
      locale: 'zh-CN',
      template: 'petitioner-visit-planned',
      params: { petitionerName: '李明', matterId: 'c-1', dueDate: '2026-03-16' },
    })
    await pump(3)
    expect((await notification('p-0')).status).toBe('retrying')
    rt.clock.set('2026-03-08T14:00:00Z') // 22:00 in Shanghai: held for the night
    await pump(3)
    expect((await notification('p-0')).status).toBe('deferred')
    rt.clock.set('2026-03-09T00:00:00Z') // 08:00: released, queued again, throttled again
    await rt.sweep()
    await pump(3)
    const released = await notification('p-0')
    expect(released.log.map((e: { detail?: string }) => e.detail)).toContain('quiet hours over')
    expect(released.status).toBe('retrying')
    rt.clock.set('2026-03-09T03:00:00Z') // four days and an hour after it was created
    await pump(3)
    const given = await notification('p-0')
    expect(given.status).toBe('failed')
    expect(given.log.at(-1).detail).toContain('given up after')
    // The drill's own errors, expected: the log an operator would read.
    expectLogged(rt, ['SMS given up after its retry window'])
  })

  /** Makes a function's queue port refuse the first message of each named notification, as a crash before it would. */
  const loseFirstMessageOf = (deps: TestRuntime['deps'], ids: string[]) => {
    const { queues } = deps
    const send = queues.send.bind(queues)
    const lost = new Set<string>()
    queues.send = async (queue, body, delay) => {
      const id = ids.find((i) => body.includes(`"notificationId":"${i}"`))
      if (queue === 'notifications' && id && !lost.has(id)) {
        lost.add(id)
        throw new Error('drill: the process died before the message was queued')
      }
      return send(queue, body, delay)
    }
    return lost
  }

  it('reaches the officer once, after a sweep, with a reminder written as queued whose message never left', async () => {
    let counting: CountingSms | undefined
    rt = await startTestRuntime('2026-03-05T02:00:00Z', {
      wrapSms: (inner) => {
        counting = new CountingSms(inner) // no lookup, like SNS
        return counting
      },
    })
    const lost = loseFirstMessageOf(rt.deps, ['n-0', 'n-1'])
    for (const i of [0, 1]) {
      await expect(queueNotification(rt.deps, request(i))).rejects.toThrow(/drill/)
    }
    expect(lost.size).toBe(2)
    await rt.drain()
    expect(await smsTo(OFFICER_WANG)).toEqual([])
    expect((await notification('n-0')).status).toBe('queued')

    rt.clock.advance(11 * 60_000)
    const swept = await rt.sweep()
    expect(swept).toMatchObject({ requeuedNotifications: 2 })
    await rt.drain()
    const sent = (await smsTo(OFFICER_WANG)).map((sms) => sms.text).sort()
    expect(sent).toEqual([
      '【回访提醒】王芳：信访事项c-9的第0次回访（回访对象李明）应于2026-03-09完成。',
      '【回访提醒】王芳：信访事项c-9的第1次回访（回访对象李明）应于2026-03-09完成。',
    ])
    expect(Object.fromEntries(counting?.calls ?? [])).toEqual({ 'n-0': 1, 'n-1': 1 })
    expect(statusesOf(await notification('n-0'))).toEqual(['queued', 'topic-published', 'sending', 'sent'])
    // Sent: nothing left to queue again, however often the sweeper runs.
    rt.clock.advance(30 * 60_000)
    expect(await rt.sweep()).toMatchObject({ requeuedNotifications: 0 })
    await rt.drain()
    expect(Object.fromEntries(counting?.calls ?? [])).toEqual({ 'n-0': 1, 'n-1': 1 })
  }, 30_000)

  it('sends a petitioner SMS released from quiet hours whose message was lost, once', async () => {
    let counting: CountingSms | undefined
    rt = await startTestRuntime('2026-03-05T14:00:00Z', {
      // 22:00 in Shanghai: held until 08:00
      wrapSms: (inner) => {
        counting = new CountingSms(inner)
        return counting
      },
    })
    await seedRegion(rt)
    const id = await resolveMatter()
    expect((await notification(id)).status).toBe('deferred')
    // The timer consumer releases it (queued), then dies before its message is queued.
    const lost = loseFirstMessageOf(rt.functionDeps['timer-consumer'], [id])
    rt.clock.set('2026-03-06T00:00:00Z')
    await rt.sweep()
    await drainThroughRetries()
    expect(lost.size).toBe(1)
    const sent = await smsTo(PETITIONER_LI)
    expect(sent.map((sms) => sms.text)).toEqual([
      '【信访回访】李明您好：您反映的事项c-1已办结，我们将于2026-03-16前回访，听取您的意见。回复TD退订。',
    ])
    expect(counting?.calls.get(id)).toBe(1)
    const n = await notification(id)
    expect(n.status).toBe('sent')
    expect(statusesOf(n)).toEqual(['queued', 'deferred', 'queued', 'sending', 'sent'])
  }, 30_000)

  it('sends all of 40 SMS exactly once when 30% of provider calls are throttled', async () => {
    const random = seededRandom(20261125)
    let counting: CountingSms | undefined
    rt = await startTestRuntime('2026-03-05T02:00:00Z', {
      wrapSms: (inner) => {
        // No lookup: a duplicate could not be reconciled away, and would be counted.
        counting = new CountingSms(inner, () =>
          random() < 0.3 ? new SmsError('provider busy (drill)', 'throttled') : undefined,
        )
        return counting
      },
    })
    for (let i = 0; i < 40; i++) await queueNotification(rt.deps, request(i))
    await rt.drain(2000)
    const all = await Promise.all(Array.from({ length: 40 }, (_, i) => notification(`n-${i}`)))
    expect(all.map((n) => n.status)).toEqual(Array(40).fill('sent'))
    expect(await smsTo(OFFICER_WANG)).toHaveLength(40)
    // Exactly one accepted provider call per notification (no unknowns in this drill to excuse any).
    expect(counting?.accepted.size).toBe(40)
    expect([...(counting?.accepted.values() ?? [])].every((n) => n === 1)).toBe(true)
    const retries = all.flatMap((n) => n.log).filter((e: { status: string }) => e.status === 'retrying')
    expect(retries.length).toBeGreaterThan(5)
    expect(retries.every((e: { detail?: string }) => e.detail?.includes('provider busy (drill)'))).toBe(true)
    const calls = [...(counting?.calls.values() ?? [])].reduce((a, b) => a + b, 0)
    expect(calls).toBe(40 + retries.length)
  }, 30_000)
})

/** mulberry32: the same "random" failures on every run. */
const seededRandom = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
