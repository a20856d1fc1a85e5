// The queue port on SQS: only the queues a function declares, by the URLs its configuration carries.
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs'
import type { Config } from '../config.ts'
import { queueUrlVariables, type SendableQueue } from '../resources.ts'
import { type QueueEntry, type QueuePort, UndeclaredUseError } from './port.ts'

export class SqsQueues implements QueuePort {
  readonly #urls: Map<SendableQueue, string>

  constructor(
    private readonly sqs: SQSClient,
    config: Config,
    private readonly declared: { function: string; queues: readonly SendableQueue[] },
  ) {
    this.#urls = new Map(declared.queues.map((q) => [q, config[queueUrlVariables[q]]]))
  }

  #url(queue: SendableQueue): string {
    const url = this.#urls.get(queue)
    if (!url) throw new UndeclaredUseError(this.declared.function, `sending to the ${queue} queue`)
    return url
  }

  async send(queue: SendableQueue, body: string, delaySeconds = 0): Promise<void> {
    const QueueUrl = this.#url(queue)
    await this.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, DelaySeconds: delaySeconds }))
  }

  async sendBatch(queue: SendableQueue, entries: readonly QueueEntry[]) {
    const QueueUrl = this.#url(queue)
    const result = await this.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: entries.map((e) => ({ Id: e.id, MessageBody: e.body, DelaySeconds: e.delaySeconds })),
      }),
    )
    return { failed: (result.Failed ?? []).map((f) => ({ id: f.Id ?? '', code: f.Code ?? 'unknown' })) }
  }
}
