// The topic port on SNS: only the topics a function declares, by the ARNs its configuration carries.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns'
import type { Config } from '../config.ts'
import { type TopicName, topicArnVariables } from '../resources.ts'
import { type TopicPort, UndeclaredUseError } from './port.ts'

export class SnsTopics implements TopicPort {
  readonly #arns: Map<TopicName, string>

  constructor(
    private readonly sns: SNSClient,
    config: Config,
    private readonly declared: { function: string; topics: readonly TopicName[] },
  ) {
    this.#arns = new Map(declared.topics.map((t) => [t, config[topicArnVariables[t]]]))
  }

  async publish(topic: TopicName, message: string, attributes: Record<string, string>) {
    const TopicArn = this.#arns.get(topic)
    if (!TopicArn) throw new UndeclaredUseError(this.declared.function, `publishing to the ${topic} topic`)
    const { MessageId } = await this.sns.send(
      new PublishCommand({
        TopicArn,
        Message: message,
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([name, value]) => [
            name,
            { DataType: 'String', StringValue: value },
          ]),
        ),
      }),
    )
    return { messageId: MessageId }
  }
}
