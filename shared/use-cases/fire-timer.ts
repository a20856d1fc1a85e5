// The timer consumer's use case: re-read the timer, act on what it is about, once.
import { SendMessageCommand } from '@aws-sdk/client-sqs'
import type { AppDeps } from '../deps.ts'
import type { TimerMessage } from '../domain/scheduling/messages.ts'
import { delaySecondsUntil } from '../domain/scheduling/timers.ts'
import { releaseDeferred } from './notify.ts'
import { closeTimer, getTimer } from './timers.ts'
import { remindOfficerOfVisit } from './visits.ts'

export class UnknownTimerError extends Error {
  override name = 'UnknownTimerError'
}

export const fireTimer = async (deps: AppDeps, message: TimerMessage) => {
  const { clock, sqs, config } = deps
  const timer = await getTimer(deps, message.timerId)
  if (!timer) throw new UnknownTimerError(`timer ${message.timerId} does not exist`)
  if (timer.status === 'fired' || timer.status === 'void')
    return { acted: false, reason: `already ${timer.status}` }

  // Delivered early (a delay above the queue's cap): send it back with the remaining delay.
  const now = clock.now()
  if (Date.parse(timer.dueAt) - now.getTime() > 1000) {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: config.TIMERS_QUEUE_URL,
        MessageBody: JSON.stringify({ timerId: timer.timerId, dueAt: timer.dueAt } satisfies TimerMessage),
        DelaySeconds: delaySecondsUntil(new Date(timer.dueAt), now, config.QUEUE_DELAY_CAP_SECONDS),
      }),
    )
    return { acted: false, reason: 'not yet due' }
  }
  switch (timer.kind) {
    case 'visit-reminder': {
      const result = await remindOfficerOfVisit(deps, timer)
      return { acted: result.reminded, reason: result.reason }
    }
    case 'deferred-sms': {
      const released = await releaseDeferred(deps, timer.subjectId)
      await closeTimer(deps, timer.timerId, released ? 'fired' : 'void')
      return { acted: released }
    }
    default:
      throw new UnknownTimerError(`timer ${timer.timerId} has an unknown kind ${timer.kind}`)
  }
}
