// The SMS about a visit, kept on it so that its officer sees what became of each: sent, failed, suppressed.
import { $add, GetItemCommand, UpdateItemCommand } from 'dynamodb-toolbox'
import { writeUnlessDone } from '../platform/audit.ts'
import type { AppDeps } from '../platform/deps.ts'

/**
 * What became of each SMS about a visit, oldest first: to whom (the officer or the petitioner, never the number),
 * which message, its status (sent, failed, suppressed because the number opted out, …) and the last word on it.
 */
export const smsAbout = async ({ store }: AppDeps, ids: Set<string> | undefined) => {
  const found = await Promise.all(
    [...(ids ?? [])].map(
      async (notificationId) =>
        (await store.Notification.build(GetItemCommand).key({ notificationId }).send()).Item,
    ),
  )
  return found
    .filter((n) => n !== undefined)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((n) => ({
      notificationId: n.notificationId,
      to: n.recipientType,
      template: n.template,
      status: n.status,
      createdAt: n.createdAt,
      sentAt: n.sentAt,
      detail: n.log.at(-1)?.detail,
    }))
}

/** Keeps an SMS on the visit it is about, so that its officer sees what became of it. Idempotent (a set). */
export const noteSmsOnVisit = async ({ store }: AppDeps, visitId: string, notificationId: string) => {
  await writeUnlessDone(
    store.Visit.build(UpdateItemCommand)
      .item({ visitId, sms: $add(new Set([notificationId])) })
      .options({ condition: { attr: 'visitId', exists: true } })
      .send(),
  )
}
