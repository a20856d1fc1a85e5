// The region of what a given-up timer was about (a visit, or a notification): read from those contexts' items, for
// a warning raised without a region (written before warnings carried one).
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import { timerById, timerOfFailedWarning } from '../scheduling/store.ts'
import type { WarningRegions } from './ports.ts'

export const warningRegions: WarningRegions = {
  regionOf: async ({ store }, warning) => {
    const timerId = warning.kind === 'timer-failed' ? timerOfFailedWarning(warning.key) : undefined
    if (timerId === undefined) return undefined
    const timer = await timerById(store, timerId)
    if (!timer) return undefined
    if (timer.kind === 'deferred-sms') {
      const { Item } = await store.Notification.build(GetItemCommand)
        .key({ notificationId: timer.subjectId })
        .send()
      return Item?.regionCode
    }
    const { Item } = await store.Visit.build(GetItemCommand).key({ visitId: timer.subjectId }).send()
    return Item?.regionCode
  },
}
