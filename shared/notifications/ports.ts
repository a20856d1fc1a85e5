// What notifications need from the world and from the other contexts: the SMS provider, the officers' topic, the
// notifications queue, the clock, and one timer of the timer engine (the end of quiet hours). All reached through
// the deps; these say which part of them, so that an action's test can stand in for each.
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import { PutItemCommand } from 'dynamodb-toolbox/entity/actions/put'
import { writeUnlessDone } from '../platform/audit.ts'
import type { AppDeps } from '../platform/deps.ts'
import type { NotificationMessage } from '../scheduling/rules/messages.ts'
import { enqueueIfSwept, timerItem } from '../scheduling/timers.ts'

export type { Clock } from '../platform/clock.ts'
export type { QueuePort, TopicPort } from '../platform/messaging/port.ts'
export type { SmsErrorKind, SmsLookup, SmsMessage, SmsPort, SmsReceipt } from './sms/port.ts'
export { SmsError, smsErrorKind } from './sms/port.ts'

/** Queues a notification for the dispatcher (a fresh `delivery` for a deliberate requeue). */
export const sendMessage = async (
  { queues, config }: Pick<AppDeps, 'queues' | 'config'>,
  message: NotificationMessage,
  delaySeconds = 0,
) => {
  await queues.send(
    'notifications',
    JSON.stringify(message),
    Math.min(delaySeconds, config.QUEUE_DELAY_CAP_SECONDS),
  )
}

/**
 * The timer engine's `deferred-sms` timer that queues a deferred notification again when quiet hours end; written
 * once per id, and enqueued at once if its minute was swept already. (The timer item is the timer engine's: when it
 * offers an action to schedule one timer, this calls it.)
 */
export const scheduleRelease = async (
  deps: AppDeps,
  timer: { timerId: string; dueAt: Date },
  notificationId: string,
) => {
  await writeUnlessDone(
    deps.store.Timer.build(PutItemCommand)
      .item(
        timerItem({ ...timer, kind: 'deferred-sms', subjectId: notificationId }, deps.config.TIMER_SHARDS),
      )
      .options({ condition: { attr: 'timerId', exists: false } })
      .send(),
  )
}

/** After the notification is recorded deferred: a timer due in a minute already swept is sent to its queue now. */
export const enqueueReleaseIfSwept = async (deps: AppDeps, timer: { timerId: string; dueAt: Date }) => {
  await enqueueIfSwept(deps, [timer])
}

/** What an opt-out needs of a person in the directory: their region (for the caller's scope) and their number's index. */
export interface DirectoryPerson {
  regionCode: string
  phoneIndex: string
}

/**
 * A petitioner or an officer of the directory, as an opt-out needs them; undefined when there is none. (Read from the
 * directory's items: when the directory offers a read of one person, this calls it.)
 */
export const directoryPerson = async (
  { store }: AppDeps,
  kind: 'petitioner' | 'officer',
  id: string,
): Promise<DirectoryPerson | undefined> => {
  const person =
    kind === 'petitioner'
      ? (await store.Petitioner.build(GetItemCommand).key({ petitionerId: id }).send()).Item
      : (await store.Officer.build(GetItemCommand).key({ officerId: id }).send()).Item
  return person ? { regionCode: person.regionCode, phoneIndex: person.phoneIndex } : undefined
}
