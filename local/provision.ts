// Creates the table, queues (each with its DLQ), the event sources' DLQs, topics and subscriptions from the
// declarations the CDK stacks use.
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb'
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns'
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs'
import {
  DLQ_RETENTION_SECONDS,
  dlqName,
  queueAttributes,
} from '#shared/platform/messaging/queue-attributes.ts'
import {
  type EventSourceDlqName,
  eventSourceDeadLetterQueues,
  type QueueDesign,
  type QueueName,
  queues,
  subscriptions,
  type TopicName,
  topics,
} from '#shared/platform/resources.ts'
import { createTableInput } from '#shared/platform/table/create-table-input.ts'

export interface Provisioned {
  /** The prefix of every name below (`npm run dlq -- --prefix`). */
  prefix: string
  tableName: string
  queueUrls: Record<QueueName, string>
  queueArns: Record<QueueName, string>
  dlqUrls: Record<QueueName, string>
  /** On-failure destinations of the event sources that are not queues (the table stream). */
  eventSourceDlqUrls: Record<EventSourceDlqName, string>
  topicArns: Record<TopicName, string>
}

export interface ProvisionOptions {
  /** Prefix of every resource name, so that several runs share one emulator. */
  prefix: string
  /** Overrides of the visibility timeout, e.g. 1 s in tests; the deployed value comes from the design. */
  visibilityTimeoutSeconds?: number
}

const waitActive = async (dynamodb: DynamoDBClient, tableName: string) => {
  for (let i = 0; i < 300; i++) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }))
    const indexesReady = (Table?.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE')
    if (Table?.TableStatus === 'ACTIVE' && indexesReady) return Table
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`table ${tableName} did not become active`)
}

/** Creates the table, or adds the indexes a newer version declares to a table kept in .aftercare/ by an older one. */
export const ensureTable = async (dynamodb: DynamoDBClient, tableName: string) => {
  const wanted = createTableInput(tableName)
  try {
    await dynamodb.send(new CreateTableCommand(wanted))
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error
  }
  const table = await waitActive(dynamodb, tableName)
  const present = new Set((table.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName))
  for (const index of wanted.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue
    const keys = new Set(index.KeySchema?.map((k) => k.AttributeName))
    await dynamodb.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: wanted.AttributeDefinitions?.filter((a) => keys.has(a.AttributeName)),
        GlobalSecondaryIndexUpdates: [
          {
            Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection },
          },
        ],
      }),
    )
    await waitActive(dynamodb, tableName)
  }
  return waitActive(dynamodb, tableName)
}

const queueArn = async (sqs: SQSClient, url: string) => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  )
  const arn = Attributes?.QueueArn
  if (!arn) throw new Error(`queue ${url} has no ARN`)
  return arn
}

export const provision = async (
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient; sns: SNSClient },
  options: ProvisionOptions,
): Promise<Provisioned> => {
  const { prefix } = options
  const tableName = `${prefix}-table`
  await ensureTable(clients.dynamodb, tableName)

  const queueUrls = {} as Record<QueueName, string>
  const queueArns = {} as Record<QueueName, string>
  const dlqUrls = {} as Record<QueueName, string>
  const createDlq = async (name: string) => {
    const dlq = await clients.sqs.send(
      new CreateQueueCommand({
        QueueName: `${prefix}-${dlqName(name)}`,
        Attributes: { MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS) },
      }),
    )
    return dlq.QueueUrl as string
  }
  for (const [name, design] of Object.entries(queues) as [QueueName, QueueDesign][]) {
    dlqUrls[name] = await createDlq(name)
    const effective = {
      ...design,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? design.visibilityTimeoutSeconds,
    }
    const queue = await clients.sqs.send(
      new CreateQueueCommand({
        QueueName: `${prefix}-${name}`,
        Attributes: queueAttributes(effective, await queueArn(clients.sqs, dlqUrls[name])),
      }),
    )
    queueUrls[name] = queue.QueueUrl as string
    queueArns[name] = await queueArn(clients.sqs, queueUrls[name])
  }
  const eventSourceDlqUrls = {} as Record<EventSourceDlqName, string>
  for (const name of Object.keys(eventSourceDeadLetterQueues) as EventSourceDlqName[]) {
    eventSourceDlqUrls[name] = await createDlq(name)
  }

  const topicArns = {} as Record<TopicName, string>
  for (const name of Object.keys(topics) as TopicName[]) {
    const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: `${prefix}-${name}` }))
    topicArns[name] = TopicArn as string
  }
  for (const subscription of subscriptions) {
    await clients.sns.send(
      new SubscribeCommand({
        TopicArn: topicArns[subscription.topic],
        Protocol: 'sqs',
        Endpoint: queueArns[subscription.queue],
        Attributes: {
          RawMessageDelivery: 'true',
          ...('filterPolicy' in subscription
            ? { FilterPolicy: JSON.stringify(subscription.filterPolicy) }
            : {}),
        },
      }),
    )
  }
  return { prefix, tableName, queueUrls, queueArns, dlqUrls, eventSourceDlqUrls, topicArns }
}
