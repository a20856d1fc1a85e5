// The queues and topics a function sends to, by their declared names (shared/platform/resources.ts), not by URL or ARN.
import type { SendableQueue, TopicName } from '../resources.ts'

export interface QueueEntry {
  /** Unique within the batch; failures are reported by it. */
  id: string
  body: string
  delaySeconds?: number
}

export interface QueuePort {
  send(queue: SendableQueue, body: string, delaySeconds?: number): Promise<void>
  /** Up to 10 entries; the ones the queue refused, with the reason it gave. */
  sendBatch(
    queue: SendableQueue,
    entries: readonly QueueEntry[],
  ): Promise<{ failed: { id: string; code: string }[] }>
}

export interface TopicPort {
  publish(
    topic: TopicName,
    message: string,
    attributes: Record<string, string>,
  ): Promise<{ messageId: string | undefined }>
}

/**
 * A function reached for something shared/platform/resources.ts does not declare for it. On AWS its role would refuse the
 * call (AccessDenied); here it fails before any call is made, naming the function and what it reached for.
 */
export class UndeclaredUseError extends Error {
  override name = 'UndeclaredUseError'
  constructor(fn: string, what: string) {
    super(
      `${fn} does not declare ${what} in shared/platform/resources.ts (functions.${fn}.uses); its role would not allow it`,
    )
  }
}
