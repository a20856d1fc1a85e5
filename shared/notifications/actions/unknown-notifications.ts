// Notifications logged `unknown` (the provider was called, and what it did is not known): a region's list, and a
// person's decision on each.
import * as z from 'zod'
import { requireInScopeOrNotFound } from '../../access/rules/object-scope.ts'
import { isRegionCode } from '../../access/rules/region-scope.ts'
import { type Actor, requireRegion } from '../../access/rules/roles.ts'
import { strictObject } from '../../directory/rules/fields.ts'
import { isConditionRefusal } from '../../platform/audit.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { ConflictError, ValidationError } from '../../platform/errors.ts'
import { sendMessage } from '../ports.ts'
import { logEntry } from '../rules/delivery.ts'
import { pendingResend, resendDelivery, resolutionChange } from '../rules/resolution.ts'
import {
  moveNotificationAudited,
  notificationById,
  unknownNotificationsOfRegion,
} from '../store/notifications.ts'
import { notificationView } from './read-notification.ts'

export const resolutionInput = strictObject({
  /** `sent`: the provider did send it (its console, a delivery receipt); `resend`: send it again, knowingly. */
  resolution: z.enum(['sent', 'resend']),
  providerMessageId: z.string().min(1).max(200).optional(),
  note: z.string().max(500).optional(),
})

/** A region's notifications logged `unknown`: the provider was called, and what it did is not known. */
export const listUnknownNotifications = async (deps: AppDeps, actor: Actor, regionCode: string) => {
  if (!isRegionCode(regionCode)) {
    throw new ValidationError([{ field: 'regionCode', reason: 'must be a 6, 9 or 12 digit division code' }])
  }
  requireRegion(actor, regionCode)
  const notifications = await unknownNotificationsOfRegion(deps.store, regionCode)
  return { regionCode, notifications: notifications.map(notificationView) }
}

/**
 * A person's decision on an `unknown` notification, audited: `sent` (the provider's console or a delivery receipt
 * shows it went out; its message id if known), or `resend` (it did not, or it matters more than a duplicate).
 * A `resend` is repeatable: its message is queued after the transaction, so if that failed, the same request again
 * (the notification still `queued`, its last log entry that decision) queues it again rather than answering 409.
 */
export const resolveUnknownNotification = async (
  deps: AppDeps,
  actor: Actor,
  notificationId: string,
  input: z.infer<typeof resolutionInput>,
) => {
  const { store, clock } = deps
  const n = requireInScopeOrNotFound(
    actor,
    await notificationById(store, notificationId),
    `notification ${notificationId}`,
  )
  if (input.resolution === 'resend' && input.providerMessageId) {
    throw new ValidationError([{ field: 'providerMessageId', reason: 'only for a resolution of sent' }])
  }
  const decidedAt = input.resolution === 'resend' ? pendingResend(n) : undefined
  if (decidedAt) {
    // A resend already decided, whose message may not have reached the queue (the send after the transaction
    // failed): queue it again, with the same delivery, so that both messages, if both arrived, dispatch once.
    await sendMessage(deps, { notificationId, delivery: resendDelivery(decidedAt) })
    deps.logger.info('resend queued again', { notificationId, decidedAt, by: actor.id })
    return notificationView(n)
  }
  if (n.status !== 'unknown')
    throw new ConflictError(`notification ${notificationId} is ${n.status}, not unknown`)
  const now = clock.now()
  const { changes, detail } = resolutionChange(n, input, actor.id, now)
  const { status, ...rest } = changes
  const log = logEntry(now, status, detail)
  try {
    // A resend is in the sweeper's in-flight list: if its message below is never sent, the sweeper queues it.
    await moveNotificationAudited(
      store,
      n,
      { status, changes: rest, log, expected: { status: 'unknown' }, messageDueAt: now },
      {
        actor: actor.id,
        action: input.resolution === 'sent' ? 'sms.unknown-resolved-sent' : 'sms.unknown-resent',
        regionCode: n.regionCode,
        at: now,
        before: { status: n.status },
        after: { ...changes, note: input.note },
      },
    )
  } catch (error) {
    if (isConditionRefusal(error))
      throw new ConflictError(`notification ${notificationId} was resolved meanwhile`)
    throw error
  }
  if (input.resolution === 'resend') {
    await sendMessage(deps, { notificationId, delivery: resendDelivery(now.toISOString()) })
  }
  return notificationView({ ...n, ...changes, log: [...n.log, ...log] })
}
