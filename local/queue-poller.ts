// Polls one queue and invokes its consumer as the Lambda SQS event source does: batches of batchSize, partial batch
// failures (only the listed messages stay), redelivery after the visibility timeout, the DLQ after maxReceiveCount.
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda'
import { lambdaContext } from './lambda-context.ts'

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>

export interface QueuePollerOptions {
  name: string
  sqs: SQSClient
  queueUrl: string
  queueArn: string
  region: string
  batchSize: number
  handler: SqsHandler
  /** Test drill: every message that succeeds is made visible again once and delivered a second time. */
  duplicateDelivery?: boolean
  onError?: (error: unknown) => void
}

const toRecord = (message: Message, options: QueuePollerOptions): SQSRecord => ({
  messageId: message.MessageId ?? '',
  receiptHandle: message.ReceiptHandle ?? '',
  body: message.Body ?? '',
  attributes: {
    ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
    SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
    SenderId: message.Attributes?.SenderId ?? 'local',
    ApproximateFirstReceiveTimestamp:
      message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  },
  messageAttributes: Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([key, value]) => [
      key,
      {
        dataType: value.DataType ?? 'String',
        stringValue: value.StringValue,
        stringListValues: [],
        binaryListValues: [],
      },
    ]),
  ),
  md5OfBody: message.MD5OfBody ?? '',
  eventSource: 'aws:sqs',
  eventSourceARN: options.queueArn,
  awsRegion: options.region,
})

export class QueuePoller {
  readonly #seen = new Set<string>()
  #running = false
  #loop: Promise<void> | undefined
  lastError: unknown
  /** Messages received so far, counting each redelivery. */
  deliveries = 0
  constructor(private readonly options: QueuePollerOptions) {}

  get running(): boolean {
    return this.#running
  }

  /** Receives one batch and handles it; returns how many messages it received. */
  async pollOnce(waitTimeSeconds = 0): Promise<number> {
    const { sqs, queueUrl, batchSize, handler, name } = this.options
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: batchSize,
        WaitTimeSeconds: waitTimeSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    )
    if (Messages.length === 0) return 0
    this.deliveries += Messages.length
    const records = Messages.map((m) => toRecord(m, this.options))
    let failed: Set<string>
    try {
      const response = await handler({ Records: records }, lambdaContext(name))
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier))
    } catch (error) {
      // A thrown invocation fails the whole batch, as on Lambda.
      this.options.onError?.(error)
      return Messages.length
    }
    const succeeded = records.filter((r) => !failed.has(r.messageId))
    const redeliver = this.options.duplicateDelivery
      ? succeeded.filter((r) => !this.#seen.has(r.messageId))
      : []
    for (const record of redeliver) {
      this.#seen.add(record.messageId)
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: 0,
        }),
      )
    }
    const done = succeeded.filter((r) => !redeliver.includes(r))
    if (done.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      )
    }
    return Messages.length
  }

  /** Polls in `concurrency` loops at once, as several Lambda invocations would. */
  start(concurrency = 1): void {
    if (this.#running) return
    this.#running = true
    const loop = async () => {
      while (this.#running) {
        try {
          await this.pollOnce(1)
          this.lastError = undefined
        } catch (error) {
          this.lastError = error
          this.options.onError?.(error)
          await new Promise((r) => setTimeout(r, 1000))
        }
      }
    }
    this.#loop = Promise.all(Array.from({ length: concurrency }, loop)).then(() => undefined)
  }

  async stop(): Promise<void> {
    this.#running = false
    await this.#loop
  }
}
