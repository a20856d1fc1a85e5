// Peeking at a dead-letter queue and moving its messages back to the source queue, with plain SQS calls only.
// fauxqs has no StartMessageMoveTask nor ListDeadLetterSourceQueues, so the same code serves local mode and AWS.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import { maskPhone } from '../masking.ts'
import { attributesToSend, bySize, chunks } from './message-batches.ts'

/** How long a peeked message stays hidden; long enough to list it, short enough to come back by itself after a crash. */
const PEEK_VISIBILITY_SECONDS = 30
/** How long a message being moved stays hidden: send and delete must both fit in it, or it is moved twice. */
const MOVE_VISIBILITY_SECONDS = 60

export interface PeekedMessage {
  messageId: string
  receiveCount: number
  /** ISO time at which the message was first sent (to the source queue; a DLQ move keeps it). */
  sentAt: string | undefined
  body: string
  attributeNames: string[]
}

export interface PeekReport {
  messages: PeekedMessage[]
  /** Messages whose visibility could not be reset; they come back after PEEK_VISIBILITY_SECONDS anyway. */
  stillHidden: number
}

export interface RedriveOptions {
  dlqUrl: string
  sourceUrl: string
  /** At most this many messages; all of them when undefined. */
  max?: number
  /** Receive and count, but send nothing and delete nothing. */
  dryRun?: boolean
  /** Long-poll wait of each receive; a short poll on AWS may answer empty while messages remain. @default 1 */
  waitSeconds?: number
}

export interface RedriveFailure {
  messageId: string
  /** 'send': still in the DLQ. 'delete': already in the source queue and also still in the DLQ (a duplicate). */
  stage: 'send' | 'delete'
  code: string
  message: string
}

export interface RedriveReport {
  dryRun: boolean
  /** Messages taken from the DLQ in this run. */
  received: number
  /** Sent to the source queue and deleted from the DLQ. */
  moved: number
  /** In a dry run: the messages that would have moved. */
  wouldMove: number
  failures: RedriveFailure[]
  /** Set when a whole call failed and the run stopped early; the messages not moved stay in the DLQ. */
  aborted?: string
}

const errorText = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error)

const receive = async (sqs: SQSClient, queueUrl: string, count: number, visibility: number, wait: number) => {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: Math.min(10, count),
      VisibilityTimeout: visibility,
      WaitTimeSeconds: wait,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  )
  return (Messages ?? []).filter((m): m is Message & { ReceiptHandle: string; MessageId: string } =>
    Boolean(m.ReceiptHandle && m.MessageId),
  )
}

/** Makes the messages visible again at once; answers the receipt handles that could not be released. */
const release = async (sqs: SQSClient, queueUrl: string, receiptHandles: readonly string[]) => {
  let failed = 0
  for (const batch of chunks(receiptHandles, 10)) {
    try {
      const { Failed } = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((handle, i) => ({ Id: `r${i}`, ReceiptHandle: handle, VisibilityTimeout: 0 })),
        }),
      )
      failed += Failed?.length ?? 0
    } catch {
      // Not fatal: the messages reappear when their short visibility timeout ends.
      failed += batch.length
    }
  }
  return failed
}

/**
 * Lists up to `max` messages of a DLQ without consuming them: each is received with a short visibility timeout and
 * made visible again at the end. Receiving counts as a receive, so ApproximateReceiveCount grows by one per peek.
 */
export const peekDlq = async (
  sqs: SQSClient,
  dlqUrl: string,
  max: number,
  { waitSeconds = 1 }: { waitSeconds?: number } = {},
): Promise<PeekReport> => {
  const seen = new Map<string, PeekedMessage>()
  const handles: string[] = []
  let stillHidden = 0
  try {
    // Received messages stay hidden until the end, so each receive returns messages not listed yet.
    while (seen.size < max) {
      const batch = await receive(sqs, dlqUrl, max - seen.size, PEEK_VISIBILITY_SECONDS, waitSeconds)
      if (batch.length === 0) break
      for (const m of batch) {
        handles.push(m.ReceiptHandle)
        const sent = Number(m.Attributes?.SentTimestamp)
        seen.set(m.MessageId, {
          messageId: m.MessageId,
          receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
          sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : undefined,
          body: m.Body ?? '',
          attributeNames: Object.keys(m.MessageAttributes ?? {}),
        })
      }
    }
  } finally {
    // Also on error: whatever was received goes back before the error surfaces.
    stillHidden = await release(sqs, dlqUrl, handles)
  }
  return { messages: [...seen.values()].slice(0, max), stillHidden }
}

/**
 * Moves messages from a DLQ back to its source queue: receive up to 10, send them (body and message attributes
 * unchanged), then delete from the DLQ only those whose send succeeded.
 *
 * At-least-once, never at-most-once: a crash (or a failed delete) after the send leaves the message in both queues,
 * and the next redrive sends it again. That duplicates a message but never loses one, and the consumers are
 * idempotent. Deleting first would be the reverse trade, and a lost timer or notification is not recoverable.
 *
 * Messages that fail to send stay hidden until the run ends, so one bad message is not received and retried in a
 * loop; then they are made visible in the DLQ again.
 */
export const redriveDlq = async (sqs: SQSClient, options: RedriveOptions): Promise<RedriveReport> => {
  const { dlqUrl, sourceUrl, dryRun = false, waitSeconds = 1 } = options
  const max = options.max ?? Number.POSITIVE_INFINITY
  const report: RedriveReport = { dryRun, received: 0, moved: 0, wouldMove: 0, failures: [] }
  const keptHidden: string[] = []
  const counted = new Set<string>()
  try {
    while (report.received < max) {
      const batch = await receive(
        sqs,
        dlqUrl,
        Math.min(10, max - report.received),
        MOVE_VISIBILITY_SECONDS,
        waitSeconds,
      )
      if (batch.length === 0) break
      report.received += batch.length
      if (dryRun) {
        keptHidden.push(...batch.map((m) => m.ReceiptHandle))
        // A run longer than the visibility timeout would meet its first messages again; count each once.
        const fresh = batch.filter((m) => !counted.has(m.MessageId))
        for (const m of fresh) counted.add(m.MessageId)
        report.wouldMove += fresh.length
        if (fresh.length === 0) break
        continue
      }

      // Batch entry ids are local to the request; the index maps an answer back to its message.
      const byId = new Map(batch.map((m, i) => [`m${i}`, m]))
      const entries = [...byId].map(([Id, m]) => ({
        Id,
        MessageBody: m.Body ?? '',
        MessageAttributes: attributesToSend(m.MessageAttributes),
      }))
      const sent: typeof batch = []
      for (const group of bySize(entries)) {
        try {
          const { Successful, Failed } = await sqs.send(
            new SendMessageBatchCommand({ QueueUrl: sourceUrl, Entries: group }),
          )
          for (const ok of Successful ?? []) {
            const m = ok.Id && byId.get(ok.Id)
            if (m) sent.push(m)
          }
          for (const failed of Failed ?? []) {
            const m = failed.Id && byId.get(failed.Id)
            if (!m) continue
            keptHidden.push(m.ReceiptHandle)
            report.failures.push({
              messageId: m.MessageId,
              stage: 'send',
              code: failed.Code ?? 'unknown',
              message: failed.Message ?? '',
            })
          }
        } catch (error) {
          // A whole call failing (permissions, network, a missing queue) would fail every batch alike: stop.
          for (const entry of group) {
            const m = entry.Id ? byId.get(entry.Id) : undefined
            if (!m) continue
            keptHidden.push(m.ReceiptHandle)
            report.failures.push({
              messageId: m.MessageId,
              stage: 'send',
              code: 'call',
              message: errorText(error),
            })
          }
          report.aborted = `SendMessageBatch failed: ${errorText(error)}`
        }
      }

      if (sent.length > 0) {
        // Only after the send succeeded; see the at-least-once note above.
        const deleteIds = new Map(sent.map((m, i) => [`d${i}`, m]))
        try {
          const { Failed } = await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: dlqUrl,
              Entries: [...deleteIds].map(([Id, m]) => ({ Id, ReceiptHandle: m.ReceiptHandle })),
            }),
          )
          const failedIds = new Set((Failed ?? []).map((f) => f.Id))
          report.moved += sent.length - failedIds.size
          for (const failed of Failed ?? []) {
            const m = failed.Id && deleteIds.get(failed.Id)
            if (!m) continue
            report.failures.push({
              messageId: m.MessageId,
              stage: 'delete',
              code: failed.Code ?? 'unknown',
              message: failed.Message ?? '',
            })
          }
        } catch (error) {
          for (const m of sent) {
            report.failures.push({
              messageId: m.MessageId,
              stage: 'delete',
              code: 'call',
              message: errorText(error),
            })
          }
          report.aborted = `DeleteMessageBatch failed: ${errorText(error)}`
        }
      }
      if (report.aborted) break
    }
  } finally {
    // A dry run and the failed sends leave the DLQ as it was.
    await release(sqs, dlqUrl, keptHidden)
  }
  return report
}

/**
 * Checks that `dlqUrl` is the dead-letter queue of `sourceUrl` (the source's RedrivePolicy names its ARN), so that
 * an operator who pasted the wrong URL does not feed one queue's messages to another queue's consumer.
 */
export const assertDlqOf = async (
  sqs: SQSClient,
  { sourceUrl, dlqUrl }: { sourceUrl: string; dlqUrl: string },
) => {
  const [source, dlq] = await Promise.all([
    sqs.send(new GetQueueAttributesCommand({ QueueUrl: sourceUrl, AttributeNames: ['RedrivePolicy'] })),
    sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] })),
  ])
  const policy = source.Attributes?.RedrivePolicy
  const target = policy
    ? (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn
    : undefined
  const dlqArn = dlq.Attributes?.QueueArn
  if (!target || target !== dlqArn) {
    throw new Error(
      `${dlqUrl} is not the dead-letter queue of ${sourceUrl} (its redrive policy names ${target ?? 'no DLQ'})`,
    )
  }
}

const PHONE = /(?<!\d)(?:\+86)?1\d{10}(?!\d)/g

/** A body for a terminal or a log: mainland mobile numbers masked, then cut to `length` characters. */
export const previewBody = (body: string, length = 200): string => {
  // Masking before cutting: a number cut in half at the end would escape the pattern and show its digits.
  const masked = body.replace(PHONE, (phone) => maskPhone(phone))
  return masked.length > length ? `${masked.slice(0, length)}…` : masked
}
