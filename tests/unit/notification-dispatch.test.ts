// The dispatcher's action against in-memory stand-ins: the notification store (which refuses a move the state
// machine does not allow, as well as one from a status no longer current), an SMS provider, the officers' topic,
// the queue, the release timers and a clock moved by hand.
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { dispatchNotification } from '../../shared/notifications/actions/dispatch.ts'
import {
  type LogEntry,
  MAX_BACKOFF_SECONDS,
  MAX_JITTER_SECONDS,
  mayFollow,
} from '../../shared/notifications/rules/delivery.ts'
import type { OptOutRecord } from '../../shared/notifications/rules/opt-out.ts'
import type { QuietHours } from '../../shared/notifications/rules/quiet-hours.ts'
import {
  SmsError,
  type SmsLookup,
  type SmsMessage,
  type SmsPort,
} from '../../shared/notifications/sms/port.ts'
import type { Move, Notification } from '../../shared/notifications/store/notifications.ts'
import { ManualClock } from '../../shared/platform/clock.ts'
import { LocalCrypto } from '../../shared/platform/crypto/local-crypto.ts'
import { PHONE_INDEX, sealPhone } from '../../shared/platform/crypto/personal-data.ts'
import type { AppDeps } from '../../shared/platform/deps.ts'

const memory = vi.hoisted(() => ({
  notifications: new Map<string, Notification>(),
  optOuts: new Map<string, OptOutRecord>(),
  quietHours: undefined as QuietHours | undefined,
  releases: [] as { timerId: string; dueAt: Date; notificationId: string }[],
  refusedMoves: [] as string[],
}))

vi.mock('../../shared/notifications/store/notifications.ts', () => ({
  notificationById: async (_store: unknown, id: string) => structuredClone(memory.notifications.get(id)),
  moveNotification: async (_store: unknown, { notificationId }: { notificationId: string }, move: Move) => {
    const n = memory.notifications.get(notificationId)
    if (!n || n.status !== move.expected.status) return false
    if (move.expected.attempts !== undefined && n.attempts !== move.expected.attempts) return false
    if (!mayFollow(n.status, move.status)) {
      memory.refusedMoves.push(`${n.status} → ${move.status}`)
      throw new Error(`the state machine does not allow ${n.status} → ${move.status}`)
    }
    memory.notifications.set(notificationId, {
      ...n,
      ...move.changes,
      status: move.status,
      log: [...n.log, ...move.log],
    })
    return true
  },
  recordTopic: async (
    _store: unknown,
    id: string,
    topic: Pick<Notification, 'topic' | 'topicMessageId'>,
    log: LogEntry[],
  ) => {
    const n = memory.notifications.get(id)
    if (!n || n.topic === 'published') return false
    memory.notifications.set(id, { ...n, ...topic, log: [...n.log, ...log] })
    return true
  },
}))
vi.mock('../../shared/notifications/store/settings.ts', () => ({
  optOutOf: async (_store: unknown, phoneIndex: string) => memory.optOuts.get(phoneIndex),
  quietHoursIn: async () => memory.quietHours,
}))
vi.mock('../../shared/notifications/store/send-rate.ts', () => ({ takeSendSlot: async () => true }))
vi.mock('../../shared/notifications/ports.ts', async (original) => ({
  ...(await original<typeof import('../../shared/notifications/ports.ts')>()),
  scheduleRelease: async (
    _deps: unknown,
    timer: { timerId: string; dueAt: Date },
    notificationId: string,
  ) => {
    memory.releases.push({ ...timer, notificationId })
  },
  enqueueReleaseIfSwept: async () => {},
}))

/** An SMS provider that answers with the failures it is given, in order, then accepts; with or without `lookup`. */
class InMemorySms implements SmsPort {
  readonly sent: SmsMessage[] = []
  readonly taken = new Set<string>()
  constructor(
    private failures: SmsError[] = [],
    withLookup = false,
  ) {
    if (!withLookup) this.lookup = undefined
  }
  async send(message: SmsMessage) {
    const failure = this.failures.shift()
    if (failure) throw failure
    this.sent.push(message)
    this.taken.add(message.idempotencyKey)
    return { providerMessageId: `m-${message.idempotencyKey}` }
  }
  lookup?: (key: string) => Promise<SmsLookup> = async (key) =>
    this.taken.has(key) ? { found: true, providerMessageId: `m-${key}` } : { found: false }
}

const crypto = new LocalCrypto(randomBytes(32))
// 10:00 in Shanghai: outside the default quiet hours (21:00–08:00).
const DAY = '2026-03-02T02:00:00.000Z'
// 23:00 in Shanghai.
const NIGHT = '2026-03-02T15:00:00.000Z'

let clock: ManualClock
let queued: { body: string; delaySeconds: number | undefined }[]
let published: string[]

const depsWith = (sms: SmsPort, topicFails = false) =>
  ({
    store: {},
    sms,
    crypto,
    clock,
    config: { QUEUE_DELAY_CAP_SECONDS: 900, SMS_MAX_PER_SECOND: 0, TIMER_SHARDS: 4 },
    queues: {
      send: async (_queue: string, body: string, delaySeconds?: number) => {
        queued.push({ body, delaySeconds })
      },
    },
    topics: {
      publish: async (_topic: string, text: string) => {
        if (topicFails) throw new Error('topic down')
        published.push(text)
        return { messageId: `t-${published.length}` }
      },
    },
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    fault: () => {},
  }) as unknown as AppDeps

const phone = '+8613812341234'
const phoneIndexOf = (p: string) => crypto.blindIndex(p, PHONE_INDEX)

const given = async (
  notificationId: string,
  over: Partial<Notification> & { recipientType?: 'officer' | 'petitioner' } = {},
) => {
  const now = clock.now().toISOString()
  memory.notifications.set(notificationId, {
    notificationId,
    recipientType: 'petitioner',
    recipientId: 'p-1',
    regionCode: '330106',
    ...(await sealPhone(crypto, 'Notification', notificationId, phone)),
    locale: 'zh-CN',
    template: 'petitioner-visit-planned',
    text: '您好',
    status: 'queued',
    urgent: false,
    attempts: 0,
    createdAt: now,
    log: [{ at: now, status: 'queued' }],
    ...over,
  } as Notification)
}

const stored = (id: string) => memory.notifications.get(id) as Notification
const statusesOf = (id: string) => stored(id).log.map((e) => e.status)

// Every move a dispatch made was one the state machine allows.
afterEach(() => {
  expect(memory.refusedMoves).toEqual([])
})

beforeEach(() => {
  memory.notifications.clear()
  memory.optOuts.clear()
  memory.quietHours = undefined
  memory.releases.length = 0
  memory.refusedMoves.length = 0
  clock = new ManualClock(DAY)
  queued = []
  published = []
})

describe('dispatching one notification', () => {
  it('sends it once, through sending, with the provider’s message id', async () => {
    const sms = new InMemorySms()
    await given('n-1')
    expect(await dispatchNotification(depsWith(sms), { notificationId: 'n-1', delivery: 'first' })).toEqual({
      outcome: 'sent',
    })
    expect(sms.sent).toEqual([{ to: phone, text: '您好', idempotencyKey: 'n-1' }])
    expect(stored('n-1')).toMatchObject({ status: 'sent', attempts: 1, providerMessageId: 'm-n-1' })
    expect(statusesOf('n-1')).toEqual(['queued', 'sending', 'sent'])
    // A second delivery of the same message finds it final and sends nothing.
    expect(
      (await dispatchNotification(depsWith(sms), { notificationId: 'n-1', delivery: 'x' })).outcome,
    ).toBe('already-final')
    expect(sms.sent).toHaveLength(1)
  })

  it('holds a petitioner’s SMS at night until the end of quiet hours, and not an urgent one', async () => {
    clock.set(NIGHT)
    const sms = new InMemorySms()
    await given('n-night')
    await given('n-urgent', { urgent: true })
    expect(
      (await dispatchNotification(depsWith(sms), { notificationId: 'n-night', delivery: 'a' })).outcome,
    ).toBe('deferred')
    expect(memory.releases).toEqual([
      {
        timerId: 'defer-n-night-2026-03-03T00:00',
        dueAt: new Date('2026-03-03T00:00:00.000Z'),
        notificationId: 'n-night',
      },
    ])
    expect(
      (await dispatchNotification(depsWith(sms), { notificationId: 'n-urgent', delivery: 'a' })).outcome,
    ).toBe('sent')
    expect(sms.sent.map((m) => m.idempotencyKey)).toEqual(['n-urgent'])
    // Deferred, a delivery waits for the release timer.
    expect(
      (await dispatchNotification(depsWith(sms), { notificationId: 'n-night', delivery: 'b' })).outcome,
    ).toBe('deferred')
  })

  it('follows a region’s own quiet hours', async () => {
    memory.quietHours = { start: '09:00', end: '11:00' }
    await given('n-1')
    expect(
      (await dispatchNotification(depsWith(new InMemorySms()), { notificationId: 'n-1', delivery: 'a' }))
        .outcome,
    ).toBe('deferred')
    expect(memory.releases[0]?.dueAt.toISOString()).toBe('2026-03-02T03:00:00.000Z')
  })

  it('suppresses an opted-out petitioner; an officer’s reminder only for an administrator’s opt-out, and still reaches the topic', async () => {
    const sms = new InMemorySms()
    memory.optOuts.set(phoneIndexOf(phone), { optedOut: true, source: 'sms' })
    await given('n-p')
    await given('n-o', { recipientType: 'officer', recipientId: 'o-1', template: 'officer-visit-reminder' })
    expect(
      (await dispatchNotification(depsWith(sms), { notificationId: 'n-p', delivery: 'a' })).outcome,
    ).toBe('suppressed')
    expect(await dispatchNotification(depsWith(sms), { notificationId: 'n-o', delivery: 'a' })).toEqual({
      outcome: 'sent',
      topic: 'published',
    })
    memory.optOuts.set(phoneIndexOf(phone), { optedOut: true, source: 'admin' })
    await given('n-o2', { recipientType: 'officer', recipientId: 'o-1', template: 'officer-visit-reminder' })
    expect(await dispatchNotification(depsWith(sms), { notificationId: 'n-o2', delivery: 'a' })).toEqual({
      outcome: 'suppressed',
      topic: 'published',
    })
    expect(sms.sent.map((m) => m.idempotencyKey)).toEqual(['n-o'])
    expect(published).toHaveLength(2)
  })

  it('retries a throttled or transient failure, backed off, and sends it once', async () => {
    const sms = new InMemorySms([
      new SmsError('Rate exceeded', 'throttled'),
      new SmsError('503 from +8613812341234', 'transient'),
    ])
    await given('n-1')
    const deps = depsWith(sms)
    for (const [i, expected] of ['retrying', 'retrying', 'sent'].entries()) {
      expect((await dispatchNotification(deps, { notificationId: 'n-1', delivery: `d-${i}` })).outcome).toBe(
        expected,
      )
    }
    expect(sms.sent).toHaveLength(1)
    expect(stored('n-1').attempts).toBe(3)
    expect(statusesOf('n-1')).toEqual([
      'queued',
      'sending',
      'retrying',
      'sending',
      'retrying',
      'sending',
      'sent',
    ])
    // Each retry is a new message, delayed by the back-off; the number in the provider's text is masked.
    expect(queued.map((q) => q.delaySeconds)).toEqual([expect.any(Number), expect.any(Number)])
    for (const q of queued)
      expect(q.delaySeconds).toBeLessThanOrEqual(MAX_BACKOFF_SECONDS + MAX_JITTER_SECONDS)
    expect(stored('n-1').log[4]?.detail).toMatch(
      /^transient: 503 from 138\*\*\*\*1234; next attempt in \d+ s$/,
    )
  })

  it('fails a permanent refusal at once, and gives up a transient one after the retry window', async () => {
    const sms = new InMemorySms([
      new SmsError('invalid number', 'permanent'),
      new SmsError('503', 'transient'),
    ])
    await given('n-bad')
    expect(
      (await dispatchNotification(depsWith(sms), { notificationId: 'n-bad', delivery: 'a' })).outcome,
    ).toBe('failed')
    await given('n-old', { createdAt: '2026-02-26T01:00:00.000Z' })
    expect(
      (await dispatchNotification(depsWith(sms), { notificationId: 'n-old', delivery: 'a' })).outcome,
    ).toBe('failed')
    expect(stored('n-old').log.at(-1)?.detail).toBe('503; given up after 1 attempts over 4 days')
    expect(queued).toEqual([])
  })

  it('never resends blindly: no clear answer and no way to ask is unknown, and stays so', async () => {
    const sms = new InMemorySms([new SmsError('timeout', 'uncertain')])
    await given('n-1')
    expect(
      (await dispatchNotification(depsWith(sms), { notificationId: 'n-1', delivery: 'a' })).outcome,
    ).toBe('unknown')
    expect(
      (await dispatchNotification(depsWith(sms), { notificationId: 'n-1', delivery: 'b' })).outcome,
    ).toBe('already-final')
    expect(sms.sent).toEqual([])
  })

  it('asks a provider that can be asked: not taken is retried, taken is reconciled', async () => {
    const sms = new InMemorySms([new SmsError('timeout', 'uncertain')], true)
    await given('n-1')
    expect(
      (await dispatchNotification(depsWith(sms), { notificationId: 'n-1', delivery: 'a' })).outcome,
    ).toBe('retrying')
    expect(stored('n-1').log.at(-1)?.detail).toMatch(/^not taken by the provider: timeout/)
    // A crash after the provider took it: the next delivery finds `sending` and asks.
    await given('n-2', { status: 'sending', attempts: 1 })
    sms.taken.add('n-2')
    expect(
      (await dispatchNotification(depsWith(sms), { notificationId: 'n-2', delivery: 'b' })).outcome,
    ).toBe('reconciled')
    expect(stored('n-2')).toMatchObject({ status: 'sent', providerMessageId: 'm-n-2' })
    // A crash before it did: sent again, once.
    await given('n-3', { status: 'sending', attempts: 1 })
    expect(
      (await dispatchNotification(depsWith(sms), { notificationId: 'n-3', delivery: 'c' })).outcome,
    ).toBe('sent')
    expect(stored('n-3').attempts).toBe(2)
    expect(sms.sent.map((m) => m.idempotencyKey)).toEqual(['n-3'])
  })

  it('comes back for a failed topic alone, within the retry window', async () => {
    await given('n-o', { recipientType: 'officer', recipientId: 'o-1' })
    expect(
      await dispatchNotification(depsWith(new InMemorySms(), true), { notificationId: 'n-o', delivery: 'a' }),
    ).toEqual({
      outcome: 'sent',
      topic: 'failed',
    })
    expect(queued).toHaveLength(1)
    expect(JSON.parse(queued[0]?.body ?? '{}')).toMatchObject({ notificationId: 'n-o' })
  })
})
