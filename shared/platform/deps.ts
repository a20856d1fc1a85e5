// What a function needs from the outside world, built once per process from the checked configuration and from what
// shared/platform/resources.ts declares it uses: a client for each declared use and nothing more.
import { Logger } from '@aws-lambda-powertools/logger'
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { KMSClient } from '@aws-sdk/client-kms'
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { SNSClient } from '@aws-sdk/client-sns'
import { SQSClient } from '@aws-sdk/client-sqs'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { CognitoSignIn } from '../directory/sign-in/cognito-sign-in.ts'
import { LocalSignIn } from '../directory/sign-in/local-sign-in.ts'
import type { SignInPort } from '../directory/sign-in/port.ts'
import { LocalSms, type LocalSmsRecord } from '../notifications/sms/local-sms.ts'
import type { SmsPort } from '../notifications/sms/port.ts'
import { createSmsSnsClient, SnsSms } from '../notifications/sms/sns-sms.ts'
import { type CallSink, recordCalls } from './aws/call-recorder.ts'
import { secretValue } from './aws/secret-value.ts'
import { type Clock, systemClock } from './clock.ts'
import type { Config } from './config.ts'
import { KmsCrypto } from './crypto/kms-crypto.ts'
import { deriveIndexKey } from './crypto/kms-index-key.ts'
import { LocalCrypto } from './crypto/local-crypto.ts'
import type { Crypto } from './crypto/port.ts'
import { type QueuePort, type TopicPort, UndeclaredUseError } from './messaging/port.ts'
import { SnsTopics } from './messaging/sns-topics.ts'
import { SqsQueues } from './messaging/sqs-queues.ts'
import {
  type FunctionName,
  type FunctionUses,
  functions,
  queueUrlVariables,
  type SendableQueue,
  type TopicName,
  topics,
} from './resources.ts'
import { createStore, type Store } from './table/store.ts'

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

export interface DepsOptions {
  /** Builds only what this function declares in shared/platform/resources.ts. @default every use (an operator's deps) */
  function?: FunctionName
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

export const createDeps = async (config: Config, options: DepsOptions = {}): Promise<AppDeps> => {
  const fn = options.function
  const name = fn ?? 'operator'
  const uses: FunctionUses = fn ? functions[fn].uses : everyUse
  const region = config.AWS_REGION
  const credentials = config.AFTERCARE_MODE === 'local' ? localCredentials : undefined
  const recorded = <C extends object>(client: C): C => {
    if (options.recordCalls && fn) recordCalls(client, fn, config, options.recordCalls)
    return client
  }
  const clock = options.clock ?? systemClock
  const logger = options.logger ?? new Logger({ serviceName: 'aftercare', logLevel: config.LOG_LEVEL })
  const fault = options.fault ?? (() => {})

  let dynamodb = undeclared<DynamoDBClient>(name, 'the table')
  let store = undeclared<Store>(name, 'the table')
  if (uses.table) {
    dynamodb = recorded(new DynamoDBClient({ region, credentials, endpoint: config.DYNAMODB_ENDPOINT }))
    const documentClient = DynamoDBDocumentClient.from(dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    })
    store = createStore(documentClient, config.TABLE_NAME)
  }
  const queues: QueuePort =
    uses.sendsTo.length > 0
      ? new SqsQueues(
          recorded(new SQSClient({ region, credentials, endpoint: config.SQS_ENDPOINT })),
          config,
          {
            function: name,
            queues: uses.sendsTo,
          },
        )
      : undeclared<QueuePort>(name, 'sending to any queue')
  const topicPort: TopicPort =
    uses.publishesTo.length > 0
      ? new SnsTopics(
          recorded(new SNSClient({ region, credentials, endpoint: config.SNS_ENDPOINT })),
          config,
          {
            function: name,
            topics: uses.publishesTo,
          },
        )
      : undeclared<TopicPort>(name, 'publishing to any topic')

  let sms = undeclared<SmsPort>(name, 'sending SMS')
  if (uses.sendsSms) {
    // Not a shared client: the SMS adapter's makes one attempt, so that the dispatcher sees every failure.
    const provider =
      config.SMS_PROVIDER === 'local'
        ? new LocalSms(store, clock, options.printSms)
        : new SnsSms(recorded(createSmsSnsClient({ region, credentials, endpoint: config.SNS_ENDPOINT })))
    sms = options.wrapSms ? options.wrapSms(provider) : provider
  }

  let crypto = undeclared<Crypto>(name, 'personal data (field encryption and blind indexes)')
  if (uses.personalData) {
    if (config.AFTERCARE_MODE === 'local') {
      crypto = new LocalCrypto(config.LOCAL_CRYPTO_KEY ?? '')
    } else {
      // Only a function that declares personal data calls KMS at its cold start.
      const kms = recorded(new KMSClient({ region }))
      crypto = new KmsCrypto({
        kms,
        keyId: config.KMS_KEY_ARN ?? '',
        indexKey: await deriveIndexKey(kms, config.BLIND_INDEX_KEY_ARN ?? ''),
      })
    }
  }

  let inboundSmsSecret: () => Promise<string> = () =>
    Promise.reject(new UndeclaredUseError(name, 'the inbound SMS secret'))
  if (uses.readsInboundSmsSecret) {
    inboundSmsSecret =
      config.AFTERCARE_MODE === 'local'
        ? async () => config.INBOUND_SMS_SECRET ?? ''
        : secretValue(recorded(new SecretsManagerClient({ region })), config.INBOUND_SMS_SECRET_ARN ?? '')
  }
  let signIns = undeclared<SignInPort>(name, 'creating sign-ins')
  if (uses.createsSignIns) {
    const poolId = config.USER_POOL_ID
    if (config.AFTERCARE_MODE === 'local') signIns = new LocalSignIn(config.TOKEN_ISSUER)
    else if (poolId) {
      const cognito = recorded(new CognitoIdentityProviderClient({ region }))
      signIns = new CognitoSignIn(cognito, poolId, config.TOKEN_ISSUER)
    } else {
      signIns = {
        createSignIn: () =>
          Promise.reject(
            new Error(
              'USER_POOL_ID is not set: the identity provider is not Cognito; create the account there and link its subject',
            ),
          ),
      }
    }
  }
  return {
    config,
    function: fn,
    signIns,
    dynamodb,
    store,
    queues,
    topics: topicPort,
    sms,
    crypto,
    inboundSmsSecret,
    clock,
    logger,
    fault,
  }
}
