// The timer consumer's use case: re-read the timer, and have the handler of its kind act on it, once.
import type { AppDeps } from '../../platform/deps.ts'
import type { ConsumerTimers, TimerHandler, TimerHandlers, TimerOutcome } from '../ports.ts'
import type { TimerMessage } from '../rules/messages.ts'
import { EARLY_DELIVERY_MS, staleReason } from '../rules/timers.ts'
import { storedTimers } from '../timers.ts'

/** A message for a timer that does not exist, or of a kind no handler is registered for: poison, to the DLQ. */
export class UnknownTimerError extends Error {
  override name = 'UnknownTimerError'
}

const handlerOf = (handlers: TimerHandlers, timer: { timerId: string; kind: string }): TimerHandler => {
  const handler = Object.hasOwn(handlers, timer.kind)
    ? handlers[timer.kind as keyof TimerHandlers]
    : undefined
  if (!handler) throw new UnknownTimerError(`timer ${timer.timerId} has an unknown kind ${timer.kind}`)
  return handler
}

export const fireTimer = async (
  deps: AppDeps,
  message: TimerMessage,
  handlers: TimerHandlers,
  timers: ConsumerTimers = storedTimers(deps),
): Promise<TimerOutcome> => {
  const { clock } = deps
  const read = async () => {
    const timer = await timers.get(message.timerId)
    if (!timer) throw new UnknownTimerError(`timer ${message.timerId} does not exist`)
    return { timer, skip: staleReason(timer, message.dueAt) }
  }
  let { timer, skip } = await read()
  if (skip) return { acted: false, reason: skip }

  // Delivered early (its delay was capped): the sweeper sends it again when it is due. A fraction of a second early
  // (DelaySeconds is whole seconds, rounded down): wait it out, so that nothing acts before its time, then read the
  // timer again (it may have been cancelled or rescheduled meanwhile).
  const early = Date.parse(timer.dueAt) - clock.now().getTime()
  if (early > EARLY_DELIVERY_MS) {
    await timers.returnToPending(timer)
    return { acted: false, reason: 'not yet due' }
  }
  if (early > 0) {
    await clock.sleep(early)
    ;({ timer, skip } = await read())
    if (skip) return { acted: false, reason: skip }
  }
  return handlerOf(handlers, timer)(deps, timer)
}
