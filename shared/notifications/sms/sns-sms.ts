// The `sns` SMS provider: SNS Publish to a phone number, transactional. Not available in the China regions.
import { PublishCommand, SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns'
import { SmsError, type SmsErrorKind, type SmsMessage, type SmsPort, type SmsReceipt } from './port.ts'

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'KMSThrottlingException',
])

/** Failures before any request left the process: SNS cannot have the message. */
const NOT_SENT = new Set(['CredentialsProviderError', 'TokenProviderError'])
/** Failures before a connection to SNS was made (refused, no such host, no route): the request never reached it. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

type AwsError = Error & {
  code?: string
  $fault?: 'client' | 'server'
  $metadata?: { httpStatusCode?: number }
  $retryable?: { throttling?: boolean }
}

/** What an SNS (AWS SDK v3) error says about the SMS: refused for rate, refused by a fault of SNS, refused, or no answer. */
export const classifySnsError = (error: unknown): SmsErrorKind => {
  const e = error as AwsError
  if (THROTTLING.has(e?.name) || e?.$retryable?.throttling || e?.$metadata?.httpStatusCode === 429) {
    return 'throttled'
  }
  if (NOT_SENT.has(e?.name) || NOT_CONNECTED.has(e?.code ?? '')) return 'transient'
  // The HTTP handler's connection timeout: the socket never connected.
  if (e?.name === 'TimeoutError' && /did not establish a connection/.test(e.message)) return 'transient'
  const status = e?.$metadata?.httpStatusCode
  if (status === undefined) return 'uncertain' // no answer from SNS: a timeout or a dropped connection
  if (status >= 500 || e.$fault === 'server') return 'transient'
  return 'permanent'
}

/**
 * The SMS client's limits, well inside the dispatcher's 30-second Lambda timeout (shared/platform/resources.ts), so that a
 * Publish without an answer fails here, `uncertain`, and the dispatcher records it, rather than the Lambda timing out.
 */
export const SMS_CONNECTION_TIMEOUT_MS = 3_000
export const SMS_REQUEST_TIMEOUT_MS = 10_000

/**
 * The SMS adapter's own SNS client: one attempt only. The SDK's default (3 attempts) would retry a timeout or a
 * 5xx itself, and a Publish SNS accepted but whose answer was lost would go out twice before the dispatcher saw
 * it: every failure must reach the dispatcher, which never resends blindly.
 */
export const createSmsSnsClient = (
  config: Pick<SNSClientConfig, 'region' | 'credentials' | 'endpoint'>,
  timeouts: { connectionTimeout?: number; requestTimeout?: number } = {},
): SNSClient =>
  new SNSClient({
    ...config,
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: timeouts.connectionTimeout ?? SMS_CONNECTION_TIMEOUT_MS,
      requestTimeout: timeouts.requestTimeout ?? SMS_REQUEST_TIMEOUT_MS,
      // Since @smithy/node-http-handler 4.4 a breached requestTimeout only warns unless told to throw.
      throwOnRequestTimeout: true,
    },
  })

export class SnsSms implements SmsPort {
  constructor(
    /** Build it with createSmsSnsClient: a client that retries by itself may send an SMS twice. */
    readonly sns: SNSClient,
    private readonly senderId?: string,
  ) {}

  async send({ to, text }: SmsMessage): Promise<SmsReceipt> {
    // SNS has no idempotency key for SMS (and no lookup): the dispatcher's own record keeps sends to once.
    let messageId: string | undefined
    try {
      const result = await this.sns.send(
        new PublishCommand({
          PhoneNumber: to,
          Message: text,
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            ...(this.senderId
              ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.senderId } }
              : {}),
          },
        }),
      )
      messageId = result.MessageId
    } catch (error) {
      const e = error as Error
      throw new SmsError(`${e.name}: ${e.message}`, classifySnsError(error), { cause: error })
    }
    // Accepted, but without an id to show for it: whether it goes out is not known.
    if (!messageId) throw new SmsError('SNS accepted the SMS without a message id', 'uncertain')
    return { providerMessageId: messageId }
  }
}
