// The delivery state machine, the back-off and the retry window, as rules: what today's end-to-end runs show only
// through DynamoDB Local and the queues.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  afterProviderFailure,
  backoffSeconds,
  finalStatuses,
  firstStep,
  heldByQuietHours,
  inFlightStatuses,
  MAX_BACKOFF_SECONDS,
  MAX_JITTER_SECONDS,
  mayFollow,
  type NotificationStatus,
  nextStatuses,
  notificationStatuses,
  RESEND_DETAIL,
  RETRY_WINDOW_MS,
  releasedAwaitingMessage,
  releaseTimerId,
  retryWindowStart,
  topicNeedsOwnRetry,
  withinRetryWindow,
} from '../../shared/notifications/rules/delivery.ts'
import {
  pendingResend,
  resendDelivery,
  resolutionChange,
} from '../../shared/notifications/rules/resolution.ts'
import type { SmsErrorKind } from '../../shared/notifications/sms/port.ts'

const status = fc.constantFrom(...notificationStatuses)
const kind = fc.constantFrom<SmsErrorKind>('throttled', 'transient', 'permanent', 'uncertain')
const jitter = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })

describe('the delivery state machine', () => {
  it('never leaves sent, suppressed or failed', () => {
    fc.assert(
      fc.property(fc.constantFrom('sent', 'suppressed', 'failed' as const), status, (from, to) => {
        expect(mayFollow(from, to)).toBe(false)
      }),
    )
  })

  it('leaves unknown only for sent or queued, as a person decides', () => {
    expect(nextStatuses.unknown).toEqual(['sent', 'queued'])
  })

  it('does nothing with a notification the dispatcher left final, and waits for the timer of a deferred one', () => {
    for (const s of finalStatuses) expect(firstStep(s)).toBe('already-final')
    expect(firstStep('deferred')).toBe('deferred')
    expect(firstStep('sending')).toBe('reconcile')
    expect(firstStep('queued')).toBe('send')
    expect(firstStep('retrying')).toBe('send')
  })

  it('sends only from a status a delivery may send from, and sends through `sending`', () => {
    fc.assert(
      fc.property(status, (s) => {
        const step = firstStep(s)
        if (step === 'send' || step === 'reconcile') expect(mayFollow(s, 'sending')).toBe(true)
      }),
    )
    expect(mayFollow('queued', 'sent')).toBe(false)
    expect(mayFollow('retrying', 'sent')).toBe(false)
  })

  it('keeps every status that waits on a message in flight, and no final one', () => {
    for (const s of inFlightStatuses) expect((finalStatuses as readonly string[]).includes(s)).toBe(false)
    expect([...inFlightStatuses].sort()).toEqual(['queued', 'retrying', 'sending'])
  })

  it('holds only petitioners’ non-urgent SMS for quiet hours', () => {
    expect(heldByQuietHours({ recipientType: 'petitioner', urgent: false })).toBe(true)
    expect(heldByQuietHours({ recipientType: 'petitioner', urgent: true })).toBe(false)
    expect(heldByQuietHours({ recipientType: 'officer', urgent: false })).toBe(false)
  })
})

describe('a provider failure', () => {
  it('is reconciled first when uncertain, never resent blindly', () => {
    expect(afterProviderFailure('uncertain', true)).toBe('reconcile')
    expect(afterProviderFailure('uncertain', false)).toBe('reconcile')
  })

  it('fails at once when permanent, whatever the window', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), (within, notTaken) => {
        expect(afterProviderFailure('permanent', within, notTaken)).toBe('fail')
      }),
    )
  })

  it('is retried while the window is open and given up after, once the provider did not take it', () => {
    for (const k of ['throttled', 'transient'] as const) {
      expect(afterProviderFailure(k, true)).toBe('retry')
      expect(afterProviderFailure(k, false)).toBe('give-up')
    }
    expect(afterProviderFailure('uncertain', true, true)).toBe('retry')
    expect(afterProviderFailure('uncertain', false, true)).toBe('give-up')
  })

  it('never retries outside the window', () => {
    fc.assert(
      fc.property(kind, fc.boolean(), (k, notTaken) => {
        expect(afterProviderFailure(k, false, notTaken)).not.toBe('retry')
      }),
    )
  })
})

describe('the back-off', () => {
  it('doubles from 2 s, with 0 to 2 s of jitter', () => {
    expect(backoffSeconds(1, 0)).toBe(2)
    expect(backoffSeconds(2, 0)).toBe(4)
    expect(backoffSeconds(5, 0)).toBe(32)
    expect(backoffSeconds(5, 0.99)).toBe(34)
  })

  it('reaches its cap of 15 minutes and stays there', () => {
    expect(backoffSeconds(10, 0)).toBe(MAX_BACKOFF_SECONDS)
    expect(backoffSeconds(1000, 0)).toBe(MAX_BACKOFF_SECONDS)
  })

  it('never exceeds its cap and its jitter, and is never below a second', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), jitter, (attempt, j) => {
        const s = backoffSeconds(attempt, j)
        expect(Number.isInteger(s)).toBe(true)
        expect(s).toBeGreaterThanOrEqual(1)
        expect(s).toBeLessThanOrEqual(MAX_BACKOFF_SECONDS + MAX_JITTER_SECONDS)
      }),
    )
  })

  it('never shrinks from one attempt to the next (for the same jitter)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), jitter, (attempt, j) => {
        expect(backoffSeconds(attempt + 1, j)).toBeGreaterThanOrEqual(backoffSeconds(attempt, j))
      }),
    )
  })
})

describe('the retry window', () => {
  const created = '2026-03-01T00:00:00.000Z'
  const at = (ms: number) => new Date(Date.parse(created) + ms)

  it('is four days from the notification’s creation', () => {
    const n = { createdAt: created, log: [{ at: created, status: 'queued' }] }
    expect(withinRetryWindow(n, at(RETRY_WINDOW_MS - 1))).toBe(true)
    expect(withinRetryWindow(n, at(RETRY_WINDOW_MS))).toBe(false)
  })

  it('is not restarted by the end of quiet hours, only by a person’s resend decision', () => {
    const released = { at: at(3600_000).toISOString(), status: 'queued', detail: 'quiet hours over' }
    expect(retryWindowStart({ createdAt: created, log: [released] })).toBe(created)
    const resend = {
      at: at(5 * 86_400_000).toISOString(),
      status: 'queued',
      detail: `${RESEND_DETAIL} by a-1`,
    }
    const n = { createdAt: created, log: [released, resend] }
    expect(retryWindowStart(n)).toBe(resend.at)
    expect(withinRetryWindow(n, at(6 * 86_400_000))).toBe(true)
  })

  it('closes for good: once closed at an instant, it is closed at every later one', () => {
    fc.assert(
      fc.property(fc.nat({ max: 30 * 86_400_000 }), fc.nat({ max: 30 * 86_400_000 }), (a, b) => {
        const n = { createdAt: created, log: [] }
        const [early, late] = a <= b ? [a, b] : [b, a]
        if (!withinRetryWindow(n, at(early))) expect(withinRetryWindow(n, at(late))).toBe(false)
      }),
    )
  })
})

describe('the officers’ topic and the release from quiet hours', () => {
  it('comes back for the topic alone only when the SMS will not come back anyway', () => {
    expect(topicNeedsOwnRetry('failed', 'sent')).toBe(true)
    expect(topicNeedsOwnRetry('failed', 'suppressed')).toBe(true)
    expect(topicNeedsOwnRetry('failed', 'retrying')).toBe(false)
    expect(topicNeedsOwnRetry('failed', 'throttled')).toBe(false)
    expect(topicNeedsOwnRetry('published', 'sent')).toBe(false)
    expect(topicNeedsOwnRetry(undefined, 'sent')).toBe(false)
  })

  it('names one release timer per notification and minute', () => {
    expect(releaseTimerId('sms-1', new Date('2026-03-01T00:00:42.000Z'))).toBe('defer-sms-1-2026-03-01T00:00')
  })

  it('knows a release whose message may not have left', () => {
    const log = [{ at: '2026-03-01T00:00:00.000Z', status: 'queued', detail: 'quiet hours over' }]
    expect(releasedAwaitingMessage({ status: 'queued', log })).toBe(true)
    expect(releasedAwaitingMessage({ status: 'sending', log })).toBe(false)
  })
})

describe('a decision on an unknown notification', () => {
  const log = [
    { at: '2026-03-01T00:00:00.000Z', status: 'queued' },
    { at: '2026-03-01T00:00:01.000Z', status: 'sending', detail: 'attempt 1' },
    { at: '2026-03-01T00:00:02.000Z', status: 'unknown' },
  ]
  const now = new Date('2026-03-02T00:00:00.000Z')

  it('as sent dates the sending from the provider call', () => {
    const { changes, detail } = resolutionChange(
      { log },
      { resolution: 'sent', providerMessageId: 'm-1' },
      'a-1',
      now,
    )
    expect(changes).toEqual({ status: 'sent', sentAt: '2026-03-01T00:00:01.000Z', providerMessageId: 'm-1' })
    expect(detail).toBe('m-1 (unknown resolved as sent by a-1)')
  })

  it('to resend queues it, and a repeated request finds the decision pending', () => {
    const { changes, detail } = resolutionChange({ log }, { resolution: 'resend', note: 'asked' }, 'a-1', now)
    expect(changes).toEqual({ status: 'queued' })
    expect(detail).toBe(`${RESEND_DETAIL} by a-1: asked`)
    const after = [...log, { at: now.toISOString(), status: 'queued', detail }]
    expect(pendingResend({ status: 'queued', log: after })).toBe(now.toISOString())
    expect(pendingResend({ status: 'unknown', log })).toBeUndefined()
    expect(resendDelivery(now.toISOString())).toBe('resend-2026-03-02T00:00:00.000Z')
  })
})

// The statuses the store's entity declares are the state machine's.
it('covers every status in the state machine', () => {
  expect(Object.keys(nextStatuses).sort()).toEqual([...notificationStatuses].sort())
  for (const tos of Object.values(nextStatuses)) {
    for (const to of tos) expect(notificationStatuses).toContain(to as NotificationStatus)
  }
})
