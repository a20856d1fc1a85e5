// The local runtime: emulators, resources from the shared declarations, the HTTP API, pollers and schedules.

import type { Server } from 'node:http'
import { join } from 'node:path'
import { Logger, type LogItem } from '@aws-lambda-powertools/logger'
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams'
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns'
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { buildApp } from 'fauxqs'
import { LocalSms, type LocalSmsRecord } from '#shared/notifications/sms/local-sms.ts'
import type { Clock } from '#shared/platform/clock.ts'
import { type Config, loadConfig } from '#shared/platform/config.ts'
import { type AppDeps, createDeps, type DepsOptions } from '#shared/platform/deps.ts'
import {
  type FunctionName,
  type QueueName,
  queues,
  schedules,
  streamConsumer,
} from '#shared/platform/resources.ts'
import { outboxStreamFilter } from '#shared/platform/table/table-design.ts'
import type { SweepReport } from '#shared/scheduling/actions/sweep.ts'
// fauxqs's own start (startFauxqs) always listens on every interface; its exported app listens where it is told, but
// then the stores it runs on must be ours to inspect queues. The package exports only its entry, hence the paths.
import { S3Store } from '../node_modules/fauxqs/dist/s3/s3Store.js'
import { SnsStore } from '../node_modules/fauxqs/dist/sns/snsStore.js'
import { SqsStore } from '../node_modules/fauxqs/dist/sqs/sqsStore.js'
import { type DynamoDbLocal, isAddressInUse, PortInUseError, startDynamoDbLocal } from './dynamodb-local.ts'
import { functionModules } from './functions.ts'
import { type HttpFunction, startHttpServer } from './http-server.ts'
import { type Provisioned, provision } from './provision.ts'
import { QueuePoller, type SqsHandler } from './queue-poller.ts'
import { LocalSchedule } from './scheduler.ts'
import { type RetryBackoff, type StreamHandler, StreamPoller } from './stream-poller.ts'
import { LOCAL_ISSUER, signLocalIdToken } from './tokens.ts'

export { PortInUseError } from './dynamodb-local.ts'

export interface RuntimeOptions {
  /** Keep DynamoDB data (and the stream checkpoints) here; without it everything lives in memory. */
  dataDirectory?: string
  /** Use a DynamoDB Local that is already running instead of starting one (the tests share one per run). */
  dynamodbEndpoint?: string
  /** @default 0 (a free port) */
  dynamodbPort?: number
  /** @default 0 (a free port) */
  fauxqsPort?: number
  /** The HTTP API's port; 0 for a free one. @default 3000 */
  httpPort?: number
  /** Prefix of every table, queue and topic name. @default 'aftercare' */
  prefix?: string
  tokenSecret: string
  /** The longest token lifetime the functions accept. @default configSchema's TOKEN_MAX_LIFETIME_SECONDS default */
  tokenMaxLifetimeSeconds?: number
  /** Master key of field encryption, 64 hex digits (kept in .aftercare/ by `npm start`). */
  cryptoKey: string
  /** Shared secret of POST /sms/inbound. */
  inboundSmsSecret: string
  clock?: Clock
  /** Seconds before a failed message is received again; tests shorten it. */
  visibilityTimeoutSeconds?: number
  /** Pause between attempts at a failing stream batch; tests shorten it. @default defaultRetryBackoff */
  streamRetryBackoff?: RetryBackoff
  /** Shards per due minute. @default configSchema's default */
  timerShards?: number
  /** SMS per second across dispatchers; 0 turns the limit off. @default configSchema's default */
  smsMaxPerSecond?: number
  /** Upper bound of the timers' DelaySeconds. @default 900 */
  queueDelayCapSeconds?: number
  /** Drill: every queue message is delivered twice. */
  duplicateDelivery?: boolean
  /** Run the pollers and schedules by themselves (npm start); otherwise a test pumps them with drain(). */
  background?: boolean
  /** Pollers per queue in the background, like concurrent Lambda invocations. @default 2 */
  pollersPerQueue?: number
  printSms?: (sms: LocalSmsRecord) => void
  /** Records every AWS call each function makes (the permission check reads them). */
  recordCalls?: DepsOptions['recordCalls']
  wrapSms?: DepsOptions['wrapSms']
  fault?: DepsOptions['fault']
  logLevel?: Config['LOG_LEVEL']
  /** Takes every log entry of every function instead of printing it (tests collect and assert on them). */
  logSink?: (entry: LogEntry) => void
}

/** One log entry as the functions' logger writes it (Powertools' JSON: level, message, timestamp, and the rest). */
export type LogEntry = { level: string; message: string } & Record<string, unknown>

/** The functions' logger, writing to `sink` instead of stdout: same levels, same JSON attributes. */
class SinkLogger extends Logger {
  readonly #sink: (entry: LogEntry) => void
  constructor(options: ConstructorParameters<typeof Logger>[0], sink: (entry: LogEntry) => void) {
    super(options)
    this.#sink = sink
  }
  protected override printLog(_level: number, log: LogItem): void {
    // Through JSON, as the console would print it: errors become their name, message and stack.
    this.#sink(JSON.parse(JSON.stringify(log.getAttributes(), this.getJsonReplacer())) as LogEntry)
  }
}

/** fauxqs (SQS and SNS) in this process, on 127.0.0.1 only. */
export interface LocalFauxqs {
  port: number
  /** The address it listens on: always 127.0.0.1. */
  host: string
  inspectQueue: SqsStore['inspectQueue']
  stop(): Promise<void>
}

export const startLocalFauxqs = async (port: number): Promise<LocalFauxqs> => {
  const sqsStore = new SqsStore()
  const app = buildApp({
    logger: false,
    stores: { sqsStore, snsStore: new SnsStore(), s3Store: new S3Store() },
  })
  try {
    await app.listen({ port, host: '127.0.0.1' })
  } catch (error) {
    await app.close().catch(() => {})
    if (isAddressInUse(error)) throw new PortInUseError('fauxqs', port)
    throw error
  }
  const address = app.server.address()
  if (typeof address !== 'object' || !address) throw new Error('fauxqs has no address')
  return {
    port: address.port,
    host: address.address,
    inspectQueue: (name) => sqsStore.inspectQueue(name),
    stop: async () => {
      await app.close()
    },
  }
}

export interface Runtime {
  config: Config
  /** An operator's deps (every use, no function's): for seeding and inspecting in tests and tools. */
  deps: AppDeps
  /** Each function's own deps, built from what it declares in shared/platform/resources.ts. */
  functionDeps: Record<FunctionName, AppDeps>
  /** The emulators' clients, for tests and tools that look at queues and topics directly. */
  sqs: SQSClient
  sns: SNSClient
  provisioned: Provisioned
  url: string
  fauxqs: LocalFauxqs
  /** The Java process of DynamoDB Local when this runtime started it (benchmarks read its CPU time). */
  dynamodbPid: number | undefined
  pollers: Record<QueueName, QueuePoller>
  stream: StreamPoller
  localSms: LocalSms
  /**
   * A local ID token for a person of the directory, by their directory id: its subject is the one the local sign-in
   * service gives them (POST /admin/officers/{officerId}/sign-in, `npm run person`), so it acts for them once linked.
   */
  token(personId: string, options?: { lifetimeSeconds?: number; email?: string }): Promise<string>
  sweep(): Promise<SweepReport>
  /**
   * Polls the stream and every queue until two whole rounds in a row find nothing to do, and answers how many
   * records and messages were handled. Work still coming after `maxRounds` rounds throws, naming what is pending.
   */
  drain(maxRounds?: number, concurrency?: number): Promise<number>
  health(): Promise<{ ok: boolean; components: Record<string, string> }>
  stop(): Promise<void>
}

const REGION = 'us-east-1'

export const startRuntime = async (options: RuntimeOptions): Promise<Runtime> => {
  const stops: Array<() => Promise<unknown> | unknown> = []
  // Stops in reverse order of start; one failing stop does not keep the others (DynamoDB Local above all) alive.
  const stop = async () => {
    const failures: unknown[] = []
    for (const s of stops.reverse()) {
      try {
        await s()
      } catch (error) {
        failures.push(error)
      }
    }
    stops.length = 0
    if (failures.length > 0) throw new AggregateError(failures, 'some components did not stop cleanly')
  }
  try {
    let dynamodbEndpoint = options.dynamodbEndpoint
    let dynamodbLocal: DynamoDbLocal | undefined
    if (!dynamodbEndpoint) {
      dynamodbLocal = await startDynamoDbLocal({
        port: options.dynamodbPort,
        dataDirectory: options.dataDirectory && join(options.dataDirectory, 'dynamodb'),
      })
      stops.push(() => dynamodbLocal?.stop())
      dynamodbEndpoint = dynamodbLocal.endpoint
    }
    const fauxqs = await startLocalFauxqs(options.fauxqsPort ?? 0)
    stops.push(() => fauxqs.stop())
    const sqsEndpoint = `http://127.0.0.1:${fauxqs.port}`

    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' }
    const dynamodb = new DynamoDBClient({ region: REGION, endpoint: dynamodbEndpoint, credentials })
    const sqs = new SQSClient({ region: REGION, endpoint: sqsEndpoint, credentials })
    const sns = new SNSClient({ region: REGION, endpoint: sqsEndpoint, credentials })
    const prefix = options.prefix ?? 'aftercare'
    const provisioned = await provision(
      { dynamodb, sqs, sns },
      { prefix, visibilityTimeoutSeconds: options.visibilityTimeoutSeconds },
    )

    // Local mode goes through the same configuration check as a deployed function.
    const config = loadConfig({
      AFTERCARE_MODE: 'local',
      AWS_REGION: REGION,
      TABLE_NAME: provisioned.tableName,
      TIMERS_QUEUE_URL: provisioned.queueUrls.timers,
      NOTIFICATIONS_QUEUE_URL: provisioned.queueUrls.notifications,
      EVENTS_TOPIC_ARN: provisioned.topicArns.events,
      OFFICERS_TOPIC_ARN: provisioned.topicArns.officers,
      SMS_PROVIDER: 'local',
      QUEUE_DELAY_CAP_SECONDS: String(options.queueDelayCapSeconds ?? 900),
      SMS_MAX_PER_SECOND: options.smsMaxPerSecond === undefined ? undefined : String(options.smsMaxPerSecond),
      LOG_LEVEL: options.logLevel ?? 'WARN',
      DYNAMODB_ENDPOINT: dynamodbEndpoint,
      SQS_ENDPOINT: sqsEndpoint,
      SNS_ENDPOINT: sqsEndpoint,
      LOCAL_TOKEN_SECRET: options.tokenSecret,
      TOKEN_ISSUER: LOCAL_ISSUER,
      TOKEN_MAX_LIFETIME_SECONDS:
        options.tokenMaxLifetimeSeconds === undefined ? undefined : String(options.tokenMaxLifetimeSeconds),
      LOCAL_CRYPTO_KEY: options.cryptoKey,
      INBOUND_SMS_SECRET: options.inboundSmsSecret,
      TIMER_SHARDS: options.timerShards === undefined ? undefined : String(options.timerShards),
    })
    const sink = options.logSink
    const logger = sink
      ? new SinkLogger({ serviceName: 'aftercare', logLevel: config.LOG_LEVEL }, sink)
      : undefined
    const depsOptions = { clock: options.clock, fault: options.fault, logger }
    const deps = await createDeps(config, depsOptions)
    // Each function gets only what it declares, as on AWS, so that an undeclared use fails here too.
    const functionDeps = Object.fromEntries(
      await Promise.all(
        (Object.keys(functionModules) as FunctionName[]).map(async (name) => [
          name,
          await createDeps(config, {
            ...depsOptions,
            function: name,
            printSms: options.printSms,
            wrapSms: options.wrapSms,
            recordCalls: options.recordCalls,
          }),
        ]),
      ),
    ) as Record<FunctionName, AppDeps>
    const built = Object.fromEntries(
      Object.entries(functionModules).map(([name, module]) => [
        name,
        module.createHandler(functionDeps[name as FunctionName]),
      ]),
    ) as { [K in keyof typeof functionModules]: ReturnType<(typeof functionModules)[K]['createHandler']> }

    const onError = (where: string) => (error: unknown) =>
      deps.logger.error(`${where} failed`, error as Error)
    const pollers = Object.fromEntries(
      (Object.keys(queues) as QueueName[]).map((name) => {
        const design = queues[name]
        return [
          name,
          new QueuePoller({
            name: design.consumer,
            sqs,
            queueUrl: provisioned.queueUrls[name],
            queueArn: provisioned.queueArns[name],
            region: REGION,
            batchSize: design.batchSize,
            handler: built[design.consumer] as unknown as SqsHandler,
            duplicateDelivery: options.duplicateDelivery,
            onError: onError(`queue ${name}`),
          }),
        ]
      }),
    ) as Record<QueueName, QueuePoller>

    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: provisioned.tableName }))
    if (!Table?.LatestStreamArn) throw new Error(`table ${provisioned.tableName} has no stream`)
    const stream = new StreamPoller({
      name: streamConsumer.function,
      streams: new DynamoDBStreamsClient({ region: REGION, endpoint: dynamodbEndpoint, credentials }),
      streamArn: Table.LatestStreamArn,
      batchSize: streamConsumer.batchSize,
      maxRetries: streamConsumer.maxRetries,
      filter: outboxStreamFilter,
      handler: built[streamConsumer.function] as unknown as StreamHandler,
      checkpointFile: options.dataDirectory && join(options.dataDirectory, 'stream-checkpoints.json'),
      retryBackoff: options.streamRetryBackoff,
      onError: onError('stream'),
      // Lambda's on-failure destination: the stream DLQ, the same queue the CDK stack names in onFailure.
      onDiscard: async (failure) => {
        const queueUrl = provisioned.eventSourceDlqUrls[streamConsumer.deadLetterQueue]
        let body = JSON.stringify(failure)
        // SQS takes 256 KiB; the batch info alone is what AWS would have sent anyway.
        if (Buffer.byteLength(body) > 250_000) {
          body = JSON.stringify({ ...failure, localModeRecords: [], localModeRecordsOmitted: 'too large' })
        }
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }))
        deps.logger.error('stream record sent to the stream DLQ after its retries', {
          queueUrl,
          batch: failure.DDBStreamBatchInfo,
        })
      },
    })
    const sweep = () => built[schedules.sweeper.target]({}, {} as never) as Promise<SweepReport>
    const sweeper = new LocalSchedule('sweeper', schedules.sweeper.expression, sweep)
    const localSms = new LocalSms(deps.store, deps.clock)

    const health = async () => {
      const components: Record<string, string> = {}
      const check = async (name: string, probe: () => Promise<unknown>) => {
        try {
          await probe()
          components[name] = 'up'
        } catch (error) {
          components[name] = `down: ${(error as Error).message}`
        }
      }
      await Promise.all([
        check('dynamodb', () =>
          dynamodb.send(new DescribeTableCommand({ TableName: provisioned.tableName })),
        ),
        check('sqs', () =>
          sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: provisioned.queueUrls.timers,
              AttributeNames: ['All'],
            }),
          ),
        ),
        check('sns', () =>
          sns.send(new GetTopicAttributesCommand({ TopicArn: provisioned.topicArns.events })),
        ),
      ])
      if (options.background) {
        for (const [name, poller] of Object.entries(pollers)) {
          components[`poller:${name}`] =
            poller.running && !poller.lastError ? 'up' : `down: ${String(poller.lastError ?? 'stopped')}`
        }
        components.stream =
          stream.running && !stream.lastError ? 'up' : `down: ${String(stream.lastError ?? 'stopped')}`
        components['schedule:sweeper'] = sweeper.running ? 'up' : 'down: stopped'
      }
      return { ok: Object.values(components).every((s) => s === 'up'), components }
    }

    const httpPort = options.httpPort ?? 3000
    const server: Server = await startHttpServer({
      port: httpPort,
      tokenSecret: options.tokenSecret,
      functions: built as unknown as Record<string, HttpFunction>,
      health,
      localSms: () => localSms.list(),
    }).catch((error: unknown) => {
      throw isAddressInUse(error) ? new PortInUseError('HTTP API', httpPort) : error
    })
    stops.push(() => new Promise((done) => server.close(() => done(undefined))))
    const address = server.address()
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : options.httpPort}`

    if (options.background) {
      for (const poller of Object.values(pollers)) poller.start(options.pollersPerQueue ?? 2)
      stream.start()
      sweeper.start()
      stops.push(async () => {
        sweeper.stop()
        await Promise.all([...Object.values(pollers).map((p) => p.stop()), stream.stop()])
      })
    }

    // Like Lambda, several invocations per queue at once; a round that finds nothing anywhere, twice, is quiet. A
    // stream shard waiting out its retry backoff is not quiet: the round waits for it. Still busy after maxRounds: a
    // loop (a message that keeps coming back, a timer that keeps firing) or a drill too big for its rounds; either
    // way the test must not go on as if everything had been handled.
    const drain = async (maxRounds = 500, concurrency = 4) => {
      let quietRounds = 0
      let handled = 0
      let lastRound: Record<string, number> = {}
      const round = async () => {
        lastRound = { stream: await stream.pollOnce() }
        for (const [name, poller] of Object.entries(pollers)) {
          const received = await Promise.all(Array.from({ length: concurrency }, () => poller.pollOnce(0)))
          lastRound[`queue ${name}`] = received.reduce((a, b) => a + b, 0)
        }
        const n = Object.values(lastRound).reduce((a, b) => a + b, 0)
        handled += n
        return n
      }
      for (let rounds = 0; rounds < maxRounds && quietRounds < 2; rounds++) {
        const n = await round()
        const retryIn = n === 0 ? stream.nextRetryInMs() : undefined
        if (retryIn !== undefined) await new Promise((r) => setTimeout(r, retryIn))
        else quietRounds = n === 0 ? quietRounds + 1 : 0
      }
      // Out of rounds after a quiet one: one more, to see whether it was quiet indeed (a record the stream had not
      // shown yet), as the loop would have done.
      if (quietRounds === 1 && stream.nextRetryInMs() === undefined && (await round()) === 0) quietRounds = 2
      if (quietRounds < 2) {
        const busy = Object.entries(lastRound)
          .filter(([, n]) => n > 0)
          .map(([name, n]) => `${name}: ${n}`)
        if (stream.nextRetryInMs() !== undefined) busy.push('the stream waiting to retry a batch')
        throw new Error(
          `drain: still busy after ${maxRounds} rounds (${handled} handled); in the last round ${busy.join(', ')}`,
        )
      }
      return handled
    }

    return {
      config,
      deps,
      functionDeps,
      sqs,
      sns,
      provisioned,
      url,
      fauxqs,
      dynamodbPid: dynamodbLocal?.process.pid,
      pollers,
      stream,
      localSms,
      token: (personId, tokenOptions = {}) =>
        signLocalIdToken(options.tokenSecret, {
          username: personId,
          email: tokenOptions.email,
          lifetimeSeconds: tokenOptions.lifetimeSeconds ?? config.TOKEN_MAX_LIFETIME_SECONDS,
        }),
      sweep,
      drain,
      health,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
