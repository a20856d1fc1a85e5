// Reads the table's stream and invokes its consumer as the Lambda DynamoDB event source does: records in order per
// shard, the same filter pattern, partial batch failures (retry from the first failed record), and after maxRetries
// the failed records go to the on-failure destination (here: a list and the log) so that the shard moves on.

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
  onError?: (error: unknown) => void
  onDiscard?: (records: DynamoDBRecord[]) => void
}

interface ShardState {
  iterator: string | undefined
  /** Records received but not yet handled successfully, oldest first. */
  pending: DynamoDBRecord[]
  attempts: number
}

export class StreamPoller {
  readonly #shards = new Map<string, ShardState>()
  readonly #closed = new Set<string>()
  #checkpoints: Record<string, string>
  #running = false
  #loop: Promise<void> | undefined
  lastError: unknown
  readonly discarded: DynamoDBRecord[] = []

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
      this.#shards.set(id, { iterator: ShardIterator, pending: [], attempts: 0 })
    }
  }

  #checkpoint(shardId: string, sequenceNumber: string | undefined) {
    if (!sequenceNumber) return
    this.#checkpoints[shardId] = sequenceNumber
    if (this.options.checkpointFile)
      writeFileSync(this.options.checkpointFile, JSON.stringify(this.#checkpoints))
  }

  /** One pass over every shard; returns how many records were handed to the consumer. */
  async pollOnce(): Promise<number> {
    await this.#discoverShards()
    let delivered = 0
    for (const [shardId, state] of this.#shards) {
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
      try {
        const response = await this.options.handler({ Records: matching }, lambdaContext(this.options.name))
        const failures = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier))
        failedFrom = batch.findIndex((r) => failures.has(r.dynamodb?.SequenceNumber ?? ''))
      } catch (error) {
        this.options.onError?.(error)
        failedFrom = 0
      }
      if (failedFrom === -1) {
        state.pending = []
        state.attempts = 0
        this.#checkpoint(shardId, last)
        continue
      }
      state.attempts++
      state.pending = batch.slice(failedFrom)
      this.#checkpoint(shardId, batch[failedFrom - 1]?.dynamodb?.SequenceNumber)
      if (state.attempts > this.options.maxRetries) {
        const [poison] = state.pending.splice(0, 1)
        if (poison) {
          this.discarded.push(poison)
          this.options.onDiscard?.([poison])
          this.#checkpoint(shardId, poison.dynamodb?.SequenceNumber)
        }
        state.attempts = 0
      }
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
