// The timer consumer's use case: re-read the timer, act on what it is about, once.
import { setTimeout } from 'node:timers/promises'
import type { AppDeps } from '../deps.ts'
import type { TimerMessage } from '../domain/scheduling/messages.ts'
import { EARLY_DELIVERY_MS } from '../domain/scheduling/timers.ts'
import { releaseDeferred } from './notify.ts'
import { closeTimer, getTimer, returnToPending } from './timers.ts'
import { climbLadder, remindOfficerOfVisit } from './visits.ts'

export class UnknownTimerError extends Error {
  override name = 'UnknownTimerError'
}

export const fireTimer = async (deps: AppDeps, message: TimerMessage) => {
  const { clock } = deps
  const timer = await getTimer(deps, message.timerId)
  if (!timer) throw new UnknownTimerError(`timer ${message.timerId} does not exist`)
  if (timer.status === 'fired' || timer.status === 'void')
    return { acted: false, reason: `already ${timer.status}` }
  // Sent for a due time the timer no longer has (rescheduled since): the message of its new time acts, not this one.
  if (Date.parse(message.dueAt) !== Date.parse(timer.dueAt))
    return { acted: false, reason: `rescheduled from ${message.dueAt} to ${timer.dueAt}` }

  // Delivered early (its delay was capped): the sweeper sends it again when it is due. A fraction of a second early
  // (DelaySeconds is whole seconds, rounded down): wait it out, so that nothing acts before its time.
  const early = Date.parse(timer.dueAt) - clock.now().getTime()
  if (early > EARLY_DELIVERY_MS) {
    await returnToPending(deps, timer)
    return { acted: false, reason: 'not yet due' }
  }
  if (early > 0) await setTimeout(early)
  switch (timer.kind) {
    case 'visit-reminder': {
      const result = await remindOfficerOfVisit(deps, timer)
      return { acted: result.reminded, reason: result.reason }
    }
    case 'visit-overdue-supervisor':
      return climbLadder(deps, timer, 'supervisor')
    case 'visit-overdue-accountability':
      return climbLadder(deps, timer, 'accountability')
    case 'deferred-sms': {
      const released = await releaseDeferred(deps, timer.subjectId)
      await closeTimer(deps, timer.timerId, released ? 'fired' : 'void')
      return { acted: released }
    }
    default:
      throw new UnknownTimerError(`timer ${timer.timerId} has an unknown kind ${timer.kind}`)
  }
}
