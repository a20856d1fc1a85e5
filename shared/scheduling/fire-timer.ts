// The timer consumer's use case: re-read the timer, act on what it is about, once.

import { releaseDeferred } from '../notifications/actions/release-deferred.ts'
import type { AppDeps } from '../platform/deps.ts'
import { climbLadder } from '../visits/actions/climb-ladder.ts'
import { remindOfficerOfVisit } from '../visits/actions/remind-officer.ts'
import type { TimerMessage } from './rules/messages.ts'
import { EARLY_DELIVERY_MS } from './rules/timers.ts'
import { closeTimer, getTimer, returnToPending } from './timers.ts'

export class UnknownTimerError extends Error {
  override name = 'UnknownTimerError'
}

export const fireTimer = async (deps: AppDeps, message: TimerMessage) => {
  const { clock } = deps
  let timer = await getTimer(deps, message.timerId)
  const stale = (t: typeof timer) => {
    if (!t) throw new UnknownTimerError(`timer ${message.timerId} does not exist`)
    if (t.status === 'fired' || t.status === 'void') return `already ${t.status}`
    // Sent for a due time the timer no longer has (rescheduled since): the message of its new time acts, not this.
    if (Date.parse(message.dueAt) !== Date.parse(t.dueAt))
      return `rescheduled from ${message.dueAt} to ${t.dueAt}`
    return undefined
  }
  const skip = stale(timer)
  if (skip || !timer) return { acted: false, reason: skip }

  // Delivered early (its delay was capped): the sweeper sends it again when it is due. A fraction of a second early
  // (DelaySeconds is whole seconds, rounded down): wait it out, so that nothing acts before its time, then read the
  // timer again (it may have been cancelled or rescheduled meanwhile).
  const early = Date.parse(timer.dueAt) - clock.now().getTime()
  if (early > EARLY_DELIVERY_MS) {
    await returnToPending(deps, timer)
    return { acted: false, reason: 'not yet due' }
  }
  if (early > 0) {
    await clock.sleep(early)
    timer = await getTimer(deps, message.timerId)
    const changed = stale(timer)
    if (changed || !timer) return { acted: false, reason: changed }
  }
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
