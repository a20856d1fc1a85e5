// The outbox publisher: each new outbox item on the table's stream becomes one message on the events topic.

import type { MatterEventMessage } from '../matters/rules/events.ts'
import type { AppDeps } from './deps.ts'

export const publishEvent = async ({ topics }: AppDeps, event: MatterEventMessage) => {
  await topics.publish('events', JSON.stringify(event), {
    eventType: event.type,
    regionCode: event.regionCode,
  })
}
