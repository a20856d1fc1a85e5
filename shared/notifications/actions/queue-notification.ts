// Notifications are written once per cause (the id says which) and queued for the dispatcher.
import { sealPhone } from '../../platform/crypto/personal-data.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { sendMessage } from '../ports.ts'
import type { TemplateName } from '../rules/templates.ts'
import { createNotification } from '../store/notifications.ts'
import { renderFor } from '../templates.ts'

export { sendMessage } from '../ports.ts'

export interface NotificationRequest {
  notificationId: string
  recipientType: 'officer' | 'petitioner'
  recipientId: string
  regionCode: string
  /** E.164; stored encrypted. */
  phone: string
  locale: string
  template: TemplateName
  params: Record<string, string>
  /** Not held by quiet hours. Officers' operational reminders are never held, urgent or not. */
  urgent?: boolean
}

/** Writes the notification if it is new and queues it; a second call for the same id only queues it again. */
export const queueNotification = async (deps: AppDeps, request: NotificationRequest) => {
  const now = deps.clock.now()
  const { phone, ...rest } = request
  await createNotification(
    deps.store,
    {
      ...rest,
      ...(await sealPhone(deps.crypto, 'Notification', request.notificationId, phone)),
      urgent: request.urgent ?? false,
      text: await renderFor(deps, request.template, request.locale, request.params),
      createdAt: now.toISOString(),
    },
    now,
  )
  await sendMessage(deps, { notificationId: request.notificationId, delivery: 'first' })
}
