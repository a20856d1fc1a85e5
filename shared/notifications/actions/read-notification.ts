// A notification as a caller sees it: its delivery log, the number masked.
import { requireInScopeOrNotFound } from '../../access/rules/object-scope.ts'
import type { Actor } from '../../access/rules/roles.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { notificationAnswer } from '../rules/views.ts'
import { type Notification, notificationById } from '../store/notifications.ts'

/** What a caller sees of a notification: its delivery log, the number masked (rules/views.ts). */
export const notificationView = (item: Notification) => notificationAnswer(item)

/** A notification with its delivery log, the number masked. */
export const getNotification = async ({ store }: AppDeps, notificationId: string) => {
  const item = await notificationById(store, notificationId)
  return item ? notificationView(item) : undefined
}

export const readNotification = async (deps: AppDeps, actor: Actor, notificationId: string) => {
  // One outside the caller's scope is answered as a missing one: 404, not a 403 that would say where it went.
  return requireInScopeOrNotFound(
    actor,
    await getNotification(deps, notificationId),
    `notification ${notificationId}`,
  )
}
