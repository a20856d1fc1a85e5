// Reads the table's stream and invokes its consumer as the Lambda DynamoDB event source does: records in order per
// shard, the same filter pattern, partial batch failures (retry from the first failed record, after a backoff), and
// after maxRetries the failed record goes to the on-failure destination (the stream DLQ, in the shape of Lambda's
// on-failure record) so that the shard moves on. Nothing moves past a record before its destination has it.

import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams'
import type { Context, DynamoDBRecord, DynamoDBStreamEvent, SQSBatchResponse } from 'aws-lambda'
import { lambdaContext } from './lambda-context.ts'

export type StreamHandler = (
  event: DynamoDBStreamEvent,
  context: Context,
) => Promise<SQSBatchResponse | undefined>

type Pattern = { [key: string]: Pattern | readonly string[] }

/** Exact-match event filter patterns (the subset the CDK stack uses): every key present, every leaf one of its values. */
export const matchesPattern = (value: unknown, pattern: Pattern): boolean =>
  Object.entries(pattern).every(([key, expected]) => {
    const actual = (value as Record<string, unknown> | undefined)?.[key]
    return Array.isArray(expected)
      ? expected.includes(actual as string)
      : matchesPattern(actual, expected as Pattern)
  })

/** What Lambda sends to a stream event source's on-failure destination; local mode adds the records themselves. */
export interface StreamFailureRecord {
  requestContext: {
    requestId: string
    functionArn: string
    condition: 'RetryAttemptsExhausted'
    /** Invocations that included the record: the first one and every retry. */
    approximateInvokeCount: number
  }
  responseContext: {
    statusCode: number
    executedVersion: string
    /** Present when the last invocation threw; absent when it answered with batch item failures. */
    functionError?: 'Unhandled'
  }
  version: '1.0'
  timestamp: string
  DDBStreamBatchInfo: {
    shardId: string
    startSequenceNumber: string
    endSequenceNumber: string
    approximateArrivalOfFirstRecord: string
    approximateArrivalOfLastRecord: string
    batchSize: number
    streamArn: string
  }
  /**
   * Local mode only, not in AWS's record: the failed stream records, so that an operator can read them. On AWS only
   * the position above is kept, and the stream trims it after 24 hours.
   */
  localModeRecords: DynamoDBRecord[]
}

export interface RetryBackoff {
  /** Wait after the first failed attempt; it doubles after each further one. */
  initialMs: number
  maxMs: number
}

/** Wall time: a short SNS or SQS outage should not use up every retry in a few milliseconds. */
export const defaultRetryBackoff: RetryBackoff = { initialMs: 1_000, maxMs: 30_000 }

export interface StreamPollerOptions {
  name: string
  streams: DynamoDBStreamsClient
  streamArn: string
  batchSize: number
  maxRetries: number
  filter: Pattern
  handler: StreamHandler
  /** Where the last processed sequence number per shard is kept, so that a restart does not replay the stream. */
  checkpointFile?: string
  /** Pause between attempts at a failing batch of a shard (other shards go on). @default defaultRetryBackoff */
  retryBackoff?: RetryBackoff
  onError?: (error: unknown) => void
  /**
   * The on-failure destination: gets the record of a stream record whose retries are exhausted. The shard moves past
   * it only once this resolves; if it throws, delivery is tried again after a backoff.
   */
  onDiscard: (failure: StreamFailureRecord) => Promise<void>
}

interface ShardState {
  iterator: string | undefined
  /** Records received but not yet handled successfully, oldest first. */
  pending: DynamoDBRecord[]
  /** Failed invocations of the head of `pending`; past maxRetries it goes to the on-failure destination. */
  attempts: number
  /** Not before this wall time (ms) is the shard tried again. */
  retryAt: number
  /** Failed deliveries to the on-failure destination of the current head. */
  destinationFailures: number
  /** How the last failed invocation ended, and its context: the on-failure record reports them. */
  lastFailure?: { threw: boolean; context: Context }
}

/** ISO 8601 to the second, as Lambda writes approximateArrival…; the SDK answers a Date, an event epoch seconds. */
const arrival = (record: DynamoDBRecord | undefined): string => {
  const value = record?.dynamodb?.ApproximateCreationDateTime as Date | number | undefined
  const date = value instanceof Date ? value : new Date(value === undefined ? Date.now() : value * 1000)
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export class StreamPoller {
  readonly #shards = new Map<string, ShardState>()
  readonly #closed = new Set<string>()
  #checkpoints: Record<string, string>
  #running = false
  #loop: Promise<void> | undefined
  lastError: unknown

  constructor(private readonly options: StreamPollerOptions) {
    const file = options.checkpointFile
    this.#checkpoints = file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}
  }

  get running(): boolean {
    return this.#running
  }

  async #discoverShards() {
    const { streams, streamArn } = this.options
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))
    for (const shard of StreamDescription?.Shards ?? []) {
      const id = shard.ShardId
      if (!id || this.#shards.has(id) || this.#closed.has(id)) continue
      const checkpoint = this.#checkpoints[id]
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: id,
          ...(checkpoint
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      )
      this.#shards.set(id, {
        iterator: ShardIterator,
        pending: [],
        attempts: 0,
        retryAt: 0,
        destinationFailures: 0,
      })
    }
  }

  #checkpoint(shardId: string, sequenceNumber: string | undefined) {
    if (!sequenceNumber) return
    this.#checkpoints[shardId] = sequenceNumber
    if (this.options.checkpointFile)
      writeFileSync(this.options.checkpointFile, JSON.stringify(this.#checkpoints))
  }

  /** Milliseconds until the earliest shard that waits out a backoff is due; undefined when none waits. */
  nextRetryInMs(): number | undefined {
    const now = Date.now()
    const due = [...this.#shards.values()]
      .filter((s) => s.pending.length > 0 && s.retryAt > now)
      .map((s) => s.retryAt - now)
    return due.length > 0 ? Math.min(...due) : undefined
  }

  #backoff(state: ShardState, failures: number) {
    const { initialMs, maxMs } = this.options.retryBackoff ?? defaultRetryBackoff
    state.retryAt = Date.now() + Math.min(maxMs, initialMs * 2 ** Math.max(0, failures - 1))
  }

  /** Hands the head of the shard's pending records to the on-failure destination, then moves past it. */
  async #discardHead(shardId: string, state: ShardState) {
    const poison = state.pending[0]
    if (!poison) return
    const sequence = poison.dynamodb?.SequenceNumber ?? ''
    const context = state.lastFailure?.context ?? lambdaContext(this.options.name)
    const failure: StreamFailureRecord = {
      requestContext: {
        requestId: context.awsRequestId,
        functionArn: context.invokedFunctionArn,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: state.attempts,
      },
      responseContext: {
        statusCode: 200,
        executedVersion: '$LATEST',
        ...(state.lastFailure?.threw ? { functionError: 'Unhandled' as const } : {}),
      },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: sequence,
        endSequenceNumber: sequence,
        approximateArrivalOfFirstRecord: arrival(poison),
        approximateArrivalOfLastRecord: arrival(poison),
        batchSize: 1,
        streamArn: this.options.streamArn,
      },
      localModeRecords: [poison],
    }
    try {
      await this.options.onDiscard(failure)
    } catch (error) {
      // The destination is down too: keep the record, and try the destination again after a backoff.
      this.options.onError?.(error)
      state.destinationFailures++
      this.#backoff(state, state.destinationFailures)
      return
    }
    state.pending.splice(0, 1)
    this.#checkpoint(shardId, poison.dynamodb?.SequenceNumber)
    state.attempts = 0
    state.retryAt = 0
    state.destinationFailures = 0
    state.lastFailure = undefined
  }

  /** One pass over every shard; returns how many records were handed to the consumer. */
  async pollOnce(): Promise<number> {
    await this.#discoverShards()
    let delivered = 0
    for (const [shardId, state] of this.#shards) {
      if (state.pending.length > 0 && state.retryAt > Date.now()) continue
      if (state.attempts > this.options.maxRetries) {
        await this.#discardHead(shardId, state)
        if (state.attempts > 0) continue
      }
      if (state.pending.length === 0 && state.iterator) {
        const { Records = [], NextShardIterator } = await this.options.streams.send(
          new GetRecordsCommand({ ShardIterator: state.iterator, Limit: this.options.batchSize }),
        )
        state.iterator = NextShardIterator
        state.pending = Records as DynamoDBRecord[] & _Record[]
      }
      if (state.pending.length === 0) {
        if (!state.iterator) {
          this.#shards.delete(shardId)
          this.#closed.add(shardId)
        }
        continue
      }
      const batch = state.pending
      const last = batch.at(-1)?.dynamodb?.SequenceNumber
      const matching = batch.filter((r) => matchesPattern(r, this.options.filter))
      if (matching.length === 0) {
        state.pending = []
        this.#checkpoint(shardId, last)
        continue
      }
      delivered += matching.length
      let failedFrom: number
      let threw = false
      const context = lambdaContext(this.options.name)
      try {
        const response = await this.options.handler({ Records: matching }, context)
        const failures = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier))
        failedFrom = batch.findIndex((r) => failures.has(r.dynamodb?.SequenceNumber ?? ''))
      } catch (error) {
        this.options.onError?.(error)
        failedFrom = 0
        threw = true
      }
      if (failedFrom === -1) {
        state.pending = []
        state.attempts = 0
        state.lastFailure = undefined
        this.#checkpoint(shardId, last)
        continue
      }
      // A different head (the records before it went through) starts its own count.
      if (failedFrom > 0) state.attempts = 0
      state.attempts++
      state.lastFailure = { threw, context }
      state.pending = batch.slice(failedFrom)
      this.#checkpoint(shardId, batch[failedFrom - 1]?.dynamodb?.SequenceNumber)
      if (state.attempts > this.options.maxRetries) await this.#discardHead(shardId, state)
      else this.#backoff(state, state.attempts)
    }
    return delivered
  }

  start(intervalMs = 250): void {
    if (this.#running) return
    this.#running = true
    this.#loop = (async () => {
      while (this.#running) {
        try {
          const delivered = await this.pollOnce()
          this.lastError = undefined
          if (delivered === 0) await new Promise((r) => setTimeout(r, intervalMs))
        } catch (error) {
          this.lastError = error
          this.options.onError?.(error)
          await new Promise((r) => setTimeout(r, 1000))
        }
      }
    })()
  }

  async stop(): Promise<void> {
    this.#running = false
    await this.#loop
  }
}
