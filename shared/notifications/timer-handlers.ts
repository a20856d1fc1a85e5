// The notifications' timers: an SMS held back (quiet hours, a send rate) released when its time comes.
import type { TimerHandlers } from '../scheduling/ports.ts'
import { closeTimer } from '../scheduling/timers.ts'
import { releaseDeferred } from './actions/release-deferred.ts'

export const notificationTimerHandlers = {
  'deferred-sms': async (deps, timer) => {
    const released = await releaseDeferred(deps, timer.subjectId)
    await closeTimer(deps, timer.timerId, released ? 'fired' : 'void')
    return { acted: released }
  },
} satisfies TimerHandlers<'deferred-sms'>
