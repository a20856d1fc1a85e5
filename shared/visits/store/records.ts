// What a visit writes and reads beside itself: its flags, its timers' items, the SMS about it, and a warning to
// administrators when a flag can be told to no one.
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import { PutItemCommand } from 'dynamodb-toolbox/entity/actions/put'
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut'
import { writeUnlessDone } from '../../platform/audit.ts'
import type { Store } from '../../platform/table/store.ts'
import { timerItem } from '../../scheduling/timers.ts'
import type { Flag } from '../rules/flags.ts'
import type { leftOverReminders, VisitTimer } from '../rules/visit-timers.ts'

/** A flag on the board; `once`: refused if an earlier firing raised it (the overdue ladder). */
export const flagWrite = (store: Store, flag: Flag, options: { once?: boolean } = {}) => {
  const put = store.Flag.build(PutTransaction).item(flag)
  return options.once ? put.options({ condition: { attr: 'flagId', exists: false } }) : put
}

/** The timers a change starts, pending in their due buckets, and those it leaves over, void. */
export const timerWrites = (
  store: Store,
  shards: number,
  timers: readonly VisitTimer[],
  voided: ReturnType<typeof leftOverReminders> = [],
) => [
  ...timers.map((t) => store.Timer.build(PutTransaction).item(timerItem(t, shards))),
  ...voided.map((t) => store.Timer.build(PutTransaction).item(t)),
]

/** The notifications of the given ids that exist. */
export const notificationsOf = async (store: Store, ids: Iterable<string>) => {
  const found = await Promise.all(
    [...ids].map(
      async (notificationId) =>
        (await store.Notification.build(GetItemCommand).key({ notificationId }).send()).Item,
    ),
  )
  return found.filter((n) => n !== undefined)
}

/** A warning for administrators, kept once per key: the first one stays. */
export const warnAdministratorsOnce = (
  store: Store,
  warning: { key: string; kind: string; regionCode: string; message: string; raisedAt: string },
) =>
  writeUnlessDone(
    store.AdminWarning.build(PutItemCommand)
      .item(warning)
      .options({ condition: { attr: 'key', exists: false } })
      .send(),
  )
