// The timer consumer's use case against in-memory timers and handlers: which handler acts, and when none does.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../shared/platform/clock.ts'
import type { AppDeps } from '../../shared/platform/deps.ts'
import { fireTimer, UnknownTimerError } from '../../shared/scheduling/actions/fire-timer.ts'
import type {
  ConsumerTimers,
  FiringTimer,
  StoredTimer,
  TimerHandler,
  TimerHandlers,
} from '../../shared/scheduling/ports.ts'
import type { TimerKind } from '../../shared/scheduling/rules/timers.ts'

const DUE = '2026-03-05T01:00:00.000Z'

/** Timers kept in a map; `changes` replaces a timer on its next reads (a cancel or a move while the consumer waits). */
const memoryTimers = (...timers: StoredTimer[]) => {
  const stored = new Map(timers.map((t) => [t.timerId, t]))
  const returned: { timerId: string; dueAt: string }[] = []
  const reads: string[] = []
  let changes: StoredTimer | undefined
  const port: ConsumerTimers = {
    get: async (timerId) => {
      reads.push(timerId)
      const timer = reads.length > 1 && changes ? changes : stored.get(timerId)
      return timer && { ...timer }
    },
    returnToPending: async (timer) => {
      returned.push(timer)
    },
  }
  return { port, returned, reads, changeOnNextRead: (t: StoredTimer) => (changes = t) }
}

/** Every kind with a handler that records what it was given and acts. */
const recordingHandlers = () => {
  const calls: { kind: TimerKind; timer: FiringTimer; at: Date }[] = []
  let clock: ManualClock | undefined
  const handler =
    (kind: TimerKind): TimerHandler =>
    async (_deps, timer) => {
      calls.push({ kind, timer, at: clock?.now() ?? new Date(0) })
      return { acted: true }
    }
  const handlers: TimerHandlers = {
    'visit-reminder': handler('visit-reminder'),
    'visit-overdue-supervisor': handler('visit-overdue-supervisor'),
    'visit-overdue-accountability': handler('visit-overdue-accountability'),
    'deferred-sms': handler('deferred-sms'),
  }
  return { handlers, calls, watch: (c: ManualClock) => (clock = c) }
}

const timer = (overrides: Partial<StoredTimer> = {}): StoredTimer => ({
  timerId: 'v1-r1',
  kind: 'visit-reminder',
  subjectId: 'v1',
  dueAt: DUE,
  status: 'enqueued',
  ...overrides,
})

const depsAt = (clock: ManualClock) => ({ clock }) as unknown as AppDeps

describe('firing a timer', () => {
  it('hands the timer to the handler registered for its kind, and to no other', async () => {
    const clock = new ManualClock(DUE)
    const { handlers, calls } = recordingHandlers()
    const timers = memoryTimers(timer({ timerId: 'n1', kind: 'deferred-sms', subjectId: 'notification-1' }))
    const outcome = await fireTimer(depsAt(clock), { timerId: 'n1', dueAt: DUE }, handlers, timers.port)
    expect(outcome).toEqual({ acted: true })
    expect(calls).toHaveLength(1)
    expect(calls[0]?.kind).toBe('deferred-sms')
    expect(calls[0]?.timer).toMatchObject({ timerId: 'n1', subjectId: 'notification-1', dueAt: DUE })
  })

  it('returns what the handler decided when what the timer was about no longer applies', async () => {
    const clock = new ManualClock(DUE)
    const handlers = {
      ...recordingHandlers().handlers,
      'visit-reminder': async () => ({ acted: false, reason: 'visit done' }),
    }
    const outcome = await fireTimer(
      depsAt(clock),
      { timerId: 'v1-r1', dueAt: DUE },
      handlers,
      memoryTimers(timer()).port,
    )
    expect(outcome).toEqual({ acted: false, reason: 'visit done' })
  })

  it('refuses a timer of a kind no handler is registered for, as poison for the dead-letter queue', async () => {
    const clock = new ManualClock(DUE)
    const { handlers, calls } = recordingHandlers()
    const timers = memoryTimers(
      timer({ kind: 'visit-anniversary' }),
      timer({ timerId: 'p', kind: 'toString' }),
    )
    await expect(
      fireTimer(depsAt(clock), { timerId: 'v1-r1', dueAt: DUE }, handlers, timers.port),
    ).rejects.toThrow(UnknownTimerError)
    // A name every object has is no handler either.
    await expect(
      fireTimer(depsAt(clock), { timerId: 'p', dueAt: DUE }, handlers, timers.port),
    ).rejects.toThrow(UnknownTimerError)
    expect(calls).toEqual([])
  })

  it('refuses a message for a timer that does not exist', async () => {
    const { handlers } = recordingHandlers()
    await expect(
      fireTimer(depsAt(new ManualClock(DUE)), { timerId: 'gone', dueAt: DUE }, handlers, memoryTimers().port),
    ).rejects.toThrow(UnknownTimerError)
  })

  it.each(['fired', 'void'])('does nothing for a timer already %s', async (status) => {
    const { handlers, calls } = recordingHandlers()
    const timers = memoryTimers(timer({ status }))
    const outcome = await fireTimer(
      depsAt(new ManualClock(DUE)),
      { timerId: 'v1-r1', dueAt: DUE },
      handlers,
      timers.port,
    )
    expect(outcome).toEqual({ acted: false, reason: `already ${status}` })
    expect(calls).toEqual([])
    expect(timers.returned).toEqual([])
  })

  it('ignores a message for a due time the timer no longer has (rescheduled), and does not put it back', async () => {
    const clock = new ManualClock('2026-03-05T01:19:30Z')
    const { handlers, calls } = recordingHandlers()
    const timers = memoryTimers(timer({ dueAt: '2026-03-05T01:20:00.000Z' }))
    const outcome = await fireTimer(depsAt(clock), { timerId: 'v1-r1', dueAt: DUE }, handlers, timers.port)
    expect(outcome).toMatchObject({ acted: false, reason: expect.stringContaining('rescheduled') })
    expect(calls).toEqual([])
    expect(timers.returned).toEqual([])
  })

  it('puts a timer delivered more than a second early back to pending, for the sweeper to send again', async () => {
    const clock = new ManualClock('2026-03-05T00:45:00Z')
    const { handlers, calls } = recordingHandlers()
    const timers = memoryTimers(timer())
    const outcome = await fireTimer(depsAt(clock), { timerId: 'v1-r1', dueAt: DUE }, handlers, timers.port)
    expect(outcome).toEqual({ acted: false, reason: 'not yet due' })
    expect(timers.returned).toMatchObject([{ timerId: 'v1-r1', dueAt: DUE }])
    expect(calls).toEqual([])
  })

  it('waits out a delivery a fraction of a second early and acts at the due time, not before', async () => {
    const clock = new ManualClock('2026-03-05T00:59:59.400Z')
    const { handlers, calls, watch } = recordingHandlers()
    watch(clock)
    const timers = memoryTimers(timer())
    const outcome = await fireTimer(depsAt(clock), { timerId: 'v1-r1', dueAt: DUE }, handlers, timers.port)
    expect(outcome).toEqual({ acted: true })
    expect(calls[0]?.at.toISOString()).toBe(DUE)
    expect(timers.reads).toEqual(['v1-r1', 'v1-r1']) // read again after the wait
  })

  it('does nothing when the timer was cancelled while the consumer waited out the last fraction of a second', async () => {
    const clock = new ManualClock('2026-03-05T00:59:59.400Z')
    const { handlers, calls } = recordingHandlers()
    const timers = memoryTimers(timer())
    timers.changeOnNextRead(timer({ status: 'void' }))
    const outcome = await fireTimer(depsAt(clock), { timerId: 'v1-r1', dueAt: DUE }, handlers, timers.port)
    expect(outcome).toEqual({ acted: false, reason: 'already void' })
    expect(calls).toEqual([])
  })

  it('acts exactly when the timer is open, the message is for its due time, and the time has come', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('pending', 'enqueued', 'failed', 'fired', 'void'),
        fc.integer({ min: -120_000, max: 120_000 }),
        fc.boolean(),
        async (status, early, sameDueTime) => {
          const clock = new ManualClock(new Date(Date.parse(DUE) - early))
          const { handlers, calls, watch } = recordingHandlers()
          watch(clock)
          const messageDueAt = sameDueTime ? DUE : '2026-03-05T00:30:00.000Z'
          const timers = memoryTimers(timer({ status }))
          await fireTimer(depsAt(clock), { timerId: 'v1-r1', dueAt: messageDueAt }, handlers, timers.port)
          const open = status !== 'fired' && status !== 'void'
          const acts = open && sameDueTime && early <= 1000
          expect(calls.length).toBe(acts ? 1 : 0)
          if (acts) expect(calls[0]?.at.getTime()).toBeGreaterThanOrEqual(Date.parse(DUE))
          expect(timers.returned.length).toBe(open && sameDueTime && early > 1000 ? 1 : 0)
        },
      ),
    )
  })
})
