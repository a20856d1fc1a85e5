// Puts a function's deps together from the adapters it is handed: each declared use gets its adapter's port, a use
// not declared gets a stand-in that refuses it, and a declared use without an adapter is refused here, at once.
// Nothing here imports a client package; nothing here calls AWS (the clients are made on first use).
import { Logger } from '@aws-lambda-powertools/logger'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { SignInPort } from '../directory/sign-in/port.ts'
import type { SmsPort } from '../notifications/sms/port.ts'
import { recordCalls } from './aws/call-recorder.ts'
import { systemClock } from './clock.ts'
import type { Config } from './config.ts'
import type { Crypto } from './crypto/port.ts'
import type { AdapterContext, Adapters, AppDeps, DepsOptions } from './deps.ts'
import { ConfigError } from './errors.ts'
import { type QueuePort, type TopicPort, UndeclaredUseError } from './messaging/port.ts'
import {
  type FunctionUses,
  functions,
  queueUrlVariables,
  type SendableQueue,
  type TopicName,
  topics,
} from './resources.ts'
import type { Store } from './table/store.ts'

/** Local mode talks to emulators only: fixed dummy credentials, never the machine's own. */
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' }

/** Everything there is to use: what an operator's deps (no function) get. */
const everyUse: FunctionUses = {
  table: { indexes: [] },
  sendsTo: Object.keys(queueUrlVariables) as SendableQueue[],
  publishesTo: Object.keys(topics) as TopicName[],
  personalData: true,
  sendsSms: true,
  readsInboundSmsSecret: true,
  createsSignIns: true,
}

/** Stands in for something a function does not declare: any use of it throws, naming the function and the thing. */
const undeclared = <T extends object>(fn: string, what: string): T =>
  new Proxy((() => {}) as unknown as T, {
    get: (_target, property) => {
      // Awaiting or printing the deps must not count as a use.
      if (property === 'then' || typeof property === 'symbol') return undefined
      throw new UndeclaredUseError(fn, what)
    },
    apply: () => {
      throw new UndeclaredUseError(fn, what)
    },
  })

/** Which adapter each declared use needs, in the words of FunctionUses. */
const needed = (uses: FunctionUses): Array<[keyof Adapters, string]> => {
  const list: Array<[keyof Adapters, string]> = []
  if (uses.table) list.push(['table', 'the table'])
  if (uses.sendsTo.length > 0) list.push(['queues', `sending to ${uses.sendsTo.join(', ')}`])
  if (uses.publishesTo.length > 0) list.push(['topics', `publishing to ${uses.publishesTo.join(', ')}`])
  if (uses.sendsSms) list.push(['sms', 'sending SMS'])
  if (uses.personalData) list.push(['crypto', 'personal data'])
  if (uses.readsInboundSmsSecret) list.push(['inboundSmsSecret', 'the inbound SMS secret'])
  if (uses.createsSignIns) list.push(['signIns', 'creating sign-ins'])
  return list
}

/** What must be awaited before a handler runs an invocation: the blind-index key, fetched on the first one. */
const readiness = new WeakMap<AppDeps, () => Promise<void>>()

/**
 * Resolves once the deps can serve an invocation. The KMS-derived blind-index key is fetched by the first call (not
 * at construction), shared by concurrent callers, and fetched again after a failure.
 */
export const whenReady = (deps: AppDeps): Promise<void> => readiness.get(deps)?.() ?? Promise.resolve()

export const composeDeps = async (config: Config, options: DepsOptions = {}): Promise<AppDeps> => {
  const fn = options.function
  const name = fn ?? 'operator'
  const uses: FunctionUses = fn ? functions[fn].uses : everyUse
  const adapters = options.adapters ?? {}
  const missing = needed(uses).filter(([adapter]) => !adapters[adapter])
  if (missing.length > 0) {
    throw new ConfigError(
      `${name} declares ${missing.map(([, what]) => what).join('; ')} (shared/platform/resources.ts) but is built without the ${missing
        .map(([adapter]) => `'${adapter}'`)
        .join(
          ', ',
        )} adapter${missing.length > 1 ? 's' : ''}: hand it to createDeps (its function entry's lambdaHandler call)`,
    )
  }
  const clock = options.clock ?? systemClock
  const context: AdapterContext = {
    config,
    name,
    uses,
    region: config.AWS_REGION,
    credentials: config.AFTERCARE_MODE === 'local' ? localCredentials : undefined,
    recorded: (client) => {
      if (options.recordCalls && fn) recordCalls(client, fn, config, options.recordCalls)
      return client
    },
    clock,
    options,
    store: undeclared<Store>(name, 'the table'),
  }
  const logger = options.logger ?? new Logger({ serviceName: 'aftercare', logLevel: config.LOG_LEVEL })
  const fault = options.fault ?? (() => {})

  let dynamodb = undeclared<DynamoDBClient>(name, 'the table')
  if (uses.table && adapters.table) {
    const table = adapters.table(context)
    dynamodb = table.dynamodb
    context.store = table.store
  }
  const queues =
    uses.sendsTo.length > 0 && adapters.queues
      ? adapters.queues(context)
      : undeclared<QueuePort>(name, 'sending to any queue')
  const topicPort =
    uses.publishesTo.length > 0 && adapters.topics
      ? adapters.topics(context)
      : undeclared<TopicPort>(name, 'publishing to any topic')
  let sms = undeclared<SmsPort>(name, 'sending SMS')
  if (uses.sendsSms && adapters.sms) {
    const provider = adapters.sms(context)
    sms = options.wrapSms ? options.wrapSms(provider) : provider
  }
  let crypto: Crypto = undeclared<Crypto>(name, 'personal data (field encryption and blind indexes)')
  let ready: (() => Promise<void>) | undefined
  if (uses.personalData && adapters.crypto) {
    const made = adapters.crypto(context)
    crypto = made
    ready = made.ready?.bind(made)
  }
  let inboundSmsSecret: () => Promise<string> = () =>
    Promise.reject(new UndeclaredUseError(name, 'the inbound SMS secret'))
  if (uses.readsInboundSmsSecret && adapters.inboundSmsSecret)
    inboundSmsSecret = adapters.inboundSmsSecret(context)
  let signIns = undeclared<SignInPort>(name, 'creating sign-ins')
  if (uses.createsSignIns && adapters.signIns) signIns = adapters.signIns(context)

  const deps: AppDeps = {
    config,
    function: fn,
    signIns,
    dynamodb,
    store: context.store,
    queues,
    topics: topicPort,
    sms,
    crypto,
    inboundSmsSecret,
    clock,
    logger,
    fault,
  }
  if (ready) readiness.set(deps, ready)
  return deps
}
