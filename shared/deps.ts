// What a function needs from the outside world, built once per process from the checked configuration.
import { Logger } from '@aws-lambda-powertools/logger'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { KMSClient } from '@aws-sdk/client-kms'
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { SNSClient } from '@aws-sdk/client-sns'
import { SQSClient } from '@aws-sdk/client-sqs'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { KmsCrypto } from './adapters/crypto/kms-crypto.ts'
import { deriveIndexKey } from './adapters/crypto/kms-index-key.ts'
import { LocalCrypto } from './adapters/crypto/local-crypto.ts'
import { createStore, type Store } from './adapters/dynamodb/store.ts'
import { secretValue } from './adapters/secrets/secret-value.ts'
import { LocalSms, type LocalSmsRecord } from './adapters/sms/local-sms.ts'
import { createSmsSnsClient, SnsSms } from './adapters/sms/sns-sms.ts'
import type { Config } from './config.ts'
import { type Clock, systemClock } from './ports/clock.ts'
import type { Crypto } from './ports/crypto.ts'
import type { SmsPort } from './ports/sms.ts'

/** A named step of a use case where a drill may stop the process, as a crash would. */
export type FaultPoint = 'dispatch:before-provider' | 'dispatch:after-provider' | 'dispatch:before-record'

export interface AppDeps {
  config: Config
  dynamodb: DynamoDBClient
  store: Store
  sqs: SQSClient
  sns: SNSClient
  sms: SmsPort
  crypto: Crypto
  /** The inbound SMS route's shared secret, read when first needed. */
  inboundSmsSecret: () => Promise<string>
  clock: Clock
  logger: Logger
  /** Crash drills: throws at the named step of the named subject when a test asks it to; nothing otherwise. */
  fault: (point: FaultPoint, subject: string) => void
}

export interface DepsOptions {
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

export const createDeps = async (config: Config, options: DepsOptions = {}): Promise<AppDeps> => {
  const region = config.AWS_REGION
  const credentials = config.AFTERCARE_MODE === 'local' ? localCredentials : undefined
  const dynamodb = new DynamoDBClient({ region, credentials, endpoint: config.DYNAMODB_ENDPOINT })
  const documentClient = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  })
  const store = createStore(documentClient, config.TABLE_NAME)
  const sqs = new SQSClient({ region, credentials, endpoint: config.SQS_ENDPOINT })
  const sns = new SNSClient({ region, credentials, endpoint: config.SNS_ENDPOINT })
  const clock = options.clock ?? systemClock
  // Not the shared client: the SMS adapter's makes one attempt, so that the dispatcher sees every failure.
  const provider =
    config.SMS_PROVIDER === 'local'
      ? new LocalSms(store, clock, options.printSms)
      : new SnsSms(createSmsSnsClient({ region, credentials, endpoint: config.SNS_ENDPOINT }))
  const sms = options.wrapSms ? options.wrapSms(provider) : provider
  const logger = options.logger ?? new Logger({ serviceName: 'aftercare', logLevel: config.LOG_LEVEL })
  const fault = options.fault ?? (() => {})
  let crypto: Crypto
  let inboundSmsSecret: () => Promise<string>
  if (config.AFTERCARE_MODE === 'local') {
    crypto = new LocalCrypto(config.LOCAL_CRYPTO_KEY ?? '')
    inboundSmsSecret = async () => config.INBOUND_SMS_SECRET ?? ''
  } else {
    const kms = new KMSClient({ region })
    const keyId = config.KMS_KEY_ARN ?? ''
    crypto = new KmsCrypto({
      kms,
      keyId,
      indexKey: await deriveIndexKey(kms, config.BLIND_INDEX_KEY_ARN ?? ''),
    })
    inboundSmsSecret = secretValue(new SecretsManagerClient({ region }), config.INBOUND_SMS_SECRET_ARN ?? '')
  }
  return {
    config,
    dynamodb,
    store,
    sqs,
    sns,
    sms,
    crypto,
    inboundSmsSecret,
    clock,
    logger,
    fault,
  }
}
