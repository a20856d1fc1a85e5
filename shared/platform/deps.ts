// What a function needs from the outside world, built once per process from the checked configuration and from what
// shared/platform/resources.ts declares it uses: a port for each declared use and nothing more. A Lambda function
// composes its own with only the adapters its uses need (shared/platform/compose-deps.ts, through lambda.ts), so that
// its bundle holds no other client; `createDeps` here hands every adapter, for local mode, the tests and operators.
import type { Logger } from '@aws-lambda-powertools/logger'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { SignInPort } from '../directory/sign-in/port.ts'
import type { LocalSmsRecord } from '../notifications/sms/local-sms.ts'
import type { SmsPort } from '../notifications/sms/port.ts'
import type { CallSink } from './aws/call-recorder.ts'
import { everyAdapter } from './aws/every-adapter.ts'
import type { Clock } from './clock.ts'
import { composeDeps } from './compose-deps.ts'
import type { Config } from './config.ts'
import type { Crypto } from './crypto/port.ts'
import type { QueuePort, TopicPort } from './messaging/port.ts'
import type { FunctionName, FunctionUses } from './resources.ts'
import type { Store } from './table/store.ts'

/** A named step of a use case where a drill may stop the process, as a crash would. */
export type FaultPoint = 'dispatch:before-provider' | 'dispatch:after-provider' | 'dispatch:before-record'

export interface AppDeps {
  config: Config
  /** The function these were built for; undefined for an operator's (tests, command-line tools): every use. */
  function: FunctionName | undefined
  /** The table's client and its store; only for a function that declares the table. */
  dynamodb: DynamoDBClient
  store: Store
  /** The declared queues and topics; any other is refused before a call is made. */
  queues: QueuePort
  topics: TopicPort
  sms: SmsPort
  crypto: Crypto
  /** Creates people's accounts in the sign-in service (Cognito, or the local one). */
  signIns: SignInPort
  /** The inbound SMS route's shared secret, read when first needed. */
  inboundSmsSecret: () => Promise<string>
  clock: Clock
  logger: Logger
  /** Crash drills: throws at the named step of the named subject when a test asks it to; nothing otherwise. */
  fault: (point: FaultPoint, subject: string) => void
}

/** What an adapter is built from: the checked configuration, who it is for, and the shared pieces. */
export interface AdapterContext {
  config: Config
  /** The function's name, or `operator` for an operator's deps. */
  name: string
  uses: FunctionUses
  region: string
  /** Local mode's fixed dummy credentials; undefined on AWS (the role's). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined
  /** Hands the client's calls to the call recorder when one is asked for; the client as it is otherwise. */
  recorded: <C extends object>(client: C) => C
  clock: Clock
  options: DepsOptions
  /** The table's store, or the stand-in that refuses it when the table is not declared. */
  store: Store
}

/** The port of one declared use, built the first time the deps are (its client made on first use). */
export type Adapter<T> = (context: AdapterContext) => T

/**
 * The adapters a function's deps are made with, one per kind of use in FunctionUses; each lives in a module of its
 * own that alone imports its client package (shared/platform/aws/), so a bundle holds only those it is handed.
 */
export interface Adapters {
  /** `uses.table` */
  table?: Adapter<{ dynamodb: DynamoDBClient; store: Store }>
  /** `uses.sendsTo` */
  queues?: Adapter<QueuePort>
  /** `uses.publishesTo` */
  topics?: Adapter<TopicPort>
  /** `uses.sendsSms` */
  sms?: Adapter<SmsPort>
  /** `uses.personalData` */
  crypto?: Adapter<Crypto & { ready?: () => Promise<void> }>
  /** `uses.readsInboundSmsSecret` */
  inboundSmsSecret?: Adapter<() => Promise<string>>
  /** `uses.createsSignIns` */
  signIns?: Adapter<SignInPort>
}

export interface DepsOptions {
  /** Builds only what this function declares in shared/platform/resources.ts. @default every use (an operator's deps) */
  function?: FunctionName
  /**
   * The adapters to build the declared uses with; a declared use without one is refused when the deps are built.
   * @default every adapter (createDeps); none (composeDeps)
   */
  adapters?: Adapters
  /** Hands every AWS call of every client to this sink (local mode and the tests; see the permission check). */
  recordCalls?: CallSink
  clock?: Clock
  logger?: Logger
  /** Where the local SMS provider prints what it "sends". */
  printSms?: (sms: LocalSmsRecord) => void
  /** Wraps the SMS provider: drills and tests count calls or inject failures around the real one. */
  wrapSms?: (sms: SmsPort) => SmsPort
  fault?: (point: FaultPoint, subject: string) => void
}

/** Every adapter unless told otherwise: local mode, the tests and the command-line tools. */
export const createDeps = (config: Config, options: DepsOptions = {}): Promise<AppDeps> =>
  composeDeps(config, { ...options, adapters: options.adapters ?? everyAdapter })
