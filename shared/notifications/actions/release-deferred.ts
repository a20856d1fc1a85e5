// A deferred notification's timer: quiet hours are over, queue it again.
import { randomUUID } from 'node:crypto'
import type { AppDeps } from '../../platform/deps.ts'
import { sendMessage } from '../ports.ts'
import { logEntry, RELEASED_DETAIL, releasedAwaitingMessage } from '../rules/delivery.ts'
import { moveNotification, notificationById } from '../store/notifications.ts'

/**
 * Queues a deferred notification again. Released already but still `queued` (the message after the release was not
 * sent: a crash, the queue refused it), the timer's redelivery queues it again. False when there is nothing to
 * release (gone, or no longer deferred).
 */
export const releaseDeferred = async (deps: AppDeps, notificationId: string) => {
  const { store, clock } = deps
  const n = await notificationById(store, notificationId)
  if (n && releasedAwaitingMessage(n)) {
    await sendMessage(deps, { notificationId, delivery: randomUUID() })
    return true
  }
  if (n?.status !== 'deferred') return false
  // In the in-flight list before its message is sent: if the send below never happens, the sweeper finds it.
  const released = await moveNotification(store, n, {
    status: 'queued',
    log: logEntry(clock.now(), 'queued', RELEASED_DETAIL),
    expected: { status: 'deferred' },
    messageDueAt: clock.now(),
  })
  if (!released) return false
  await sendMessage(deps, { notificationId, delivery: randomUUID() })
  return true
}
