// What the due-work engine needs from the world and from the contexts whose timers it fires: the timers queue it
// sends through, and a handler per timer kind (each context registers its own; functions/scheduling/fire.ts puts
// them together).
import type { AppDeps } from '../platform/deps.ts'
import type { TimerMessage } from './rules/messages.ts'
import type { TimerKind } from './rules/timers.ts'

export interface TimerSend {
  message: TimerMessage
  delaySeconds: number
}

/** The timers queue: up to 10 sends at once; the ones it refused, by their place in the batch. */
export interface TimerQueue {
  sendBatch(sends: readonly TimerSend[]): Promise<{ failed: { id: string; code: string }[] }>
}

/** The timers queue of the deps' queue port. */
export const timerQueueOf = ({ queues }: Pick<AppDeps, 'queues'>): TimerQueue => ({
  sendBatch: (sends) =>
    queues.sendBatch(
      'timers',
      sends.map((s, n) => ({ id: String(n), body: JSON.stringify(s.message), delaySeconds: s.delaySeconds })),
    ),
})

/** A timer as the consumer reads it again when its message arrives. */
export interface StoredTimer extends FiringTimer {
  status: string
}

/** The timers, as the consumer reads one and puts back one delivered early. */
export interface ConsumerTimers {
  get(timerId: string): Promise<StoredTimer | undefined>
  /** Back to pending for its due time, its early send not counted (only while still enqueued for that time). */
  returnToPending(timer: { timerId: string; dueAt: string }): Promise<void>
}

/** A timer due, as its handler gets it. */
export interface FiringTimer {
  timerId: string
  kind: string
  subjectId: string
  dueAt: string
}

/** What a timer's handler did: `acted` false with the reason when what it was about no longer applies. */
export interface TimerOutcome {
  acted: boolean
  reason?: string
}

/** Acts on a timer that is due, once; closes it (fired or void) as its context decides. */
export type TimerHandler = (deps: AppDeps, timer: FiringTimer) => Promise<TimerOutcome>

/** One handler per kind of timer a context writes. */
export type TimerHandlers<K extends TimerKind = TimerKind> = Readonly<Record<K, TimerHandler>>
