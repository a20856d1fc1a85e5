// The outbox publisher: each new outbox item on the table's stream becomes one message on the events topic.
import { PublishCommand } from '@aws-sdk/client-sns'
import type { AppDeps } from '../deps.ts'
import type { CaseEventMessage } from '../domain/cases/events.ts'

export const publishEvent = async ({ sns, config }: AppDeps, event: CaseEventMessage) => {
  await sns.send(
    new PublishCommand({
      TopicArn: config.EVENTS_TOPIC_ARN,
      Message: JSON.stringify(event),
      MessageAttributes: {
        eventType: { DataType: 'String', StringValue: event.type },
        regionCode: { DataType: 'String', StringValue: event.regionCode },
      },
    }),
  )
}
