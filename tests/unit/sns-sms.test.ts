// SNS has no local engine for SMS (fauxqs refuses Publish to a phone number): the request is checked in detail.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms'
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import type { SmsPort } from '../../shared/notifications/sms/port.ts'
import {
  classifySnsError,
  createSmsSnsClient,
  SMS_CONNECTION_TIMEOUT_MS,
  SMS_REQUEST_TIMEOUT_MS,
  SnsSms,
} from '../../shared/notifications/sms/sns-sms.ts'
import { loadConfig } from '../../shared/platform/config.ts'
import { deriveIndexKey, INDEX_KEY_LABEL } from '../../shared/platform/crypto/kms-index-key.ts'
import { createDeps } from '../../shared/platform/deps.ts'
import { functions } from '../../shared/platform/resources.ts'

let sns = mockClient(SNSClient)
const kms = mockClient(KMSClient)
beforeEach(() => {
  sns.reset()
  kms.reset()
})

describe('the sns SMS provider', () => {
  it('publishes a transactional SMS to the E.164 number with the text as it is', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' })
    const receipt = await new SnsSms(new SNSClient({ region: 'ap-southeast-1' }), 'Aftercare').send({
      to: '+8613800138000',
      text: '【回访提醒】王芳：信访事项c-1的第1次回访应于2026-03-02完成。',
      idempotencyKey: 'sms-1',
    })
    expect(receipt).toEqual({ providerMessageId: 'sns-1' })
    const calls = sns.commandCalls(PublishCommand)
    expect(calls).toHaveLength(1)
    expect(calls[0]?.args[0].input).toEqual({
      PhoneNumber: '+8613800138000',
      Message: '【回访提醒】王芳：信访事项c-1的第1次回访应于2026-03-02完成。',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'Aftercare' },
      },
    })
  })

  it('has no lookup, so an interrupted send is logged unknown rather than resent', () => {
    const port: SmsPort = new SnsSms(new SNSClient({ region: 'ap-southeast-1' }))
    expect(port.lookup).toBeUndefined()
  })

  it('takes an acceptance without a message id as uncertain: it may go out', async () => {
    sns.on(PublishCommand).resolves({})
    await expect(
      new SnsSms(new SNSClient({ region: 'ap-southeast-1' })).send({
        to: '+8613800138000',
        text: 'x',
        idempotencyKey: 'k',
      }),
    ).rejects.toMatchObject({
      name: 'SmsError',
      kind: 'uncertain',
      message: expect.stringMatching(/without a message id/),
    })
  })

  const awsError = (name: string, status?: number, fault: 'client' | 'server' = 'client') =>
    Object.assign(new Error(`${name} (mocked)`), {
      name,
      $fault: fault,
      ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }),
    })

  it.each([
    ['ThrottledException', 400, 'throttled'],
    ['Throttling', 400, 'throttled'],
    ['KMSThrottlingException', 400, 'throttled'],
    ['SomethingElse', 429, 'throttled'],
    ['InternalErrorException', 500, 'transient'],
    ['InvalidParameterException', 400, 'permanent'],
    ['AuthorizationErrorException', 403, 'permanent'],
    ['TimeoutError', undefined, 'uncertain'],
    ['CredentialsProviderError', undefined, 'transient'],
  ] as const)('classifies %s (HTTP %s) as %s', async (name, status, kind) => {
    sns.on(PublishCommand).rejects(awsError(name, status, status && status >= 500 ? 'server' : 'client'))
    await expect(
      new SnsSms(new SNSClient({ region: 'ap-southeast-1', maxAttempts: 1 })).send({
        to: '+8613800138000',
        text: 'x',
        idempotencyKey: 'k',
      }),
    ).rejects.toMatchObject({ name: 'SmsError', kind, message: expect.stringContaining(name) })
    expect(classifySnsError(awsError(name, status))).toBe(kind)
  })
})

describe("the sns SMS provider's own client", () => {
  const localConfig = {
    AFTERCARE_MODE: 'local',
    AWS_REGION: 'us-east-1',
    TABLE_NAME: 'aftercare',
    TIMERS_QUEUE_URL: 'http://127.0.0.1:1/timers',
    NOTIFICATIONS_QUEUE_URL: 'http://127.0.0.1:1/notifications',
    EVENTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:events',
    OFFICERS_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:officers',
    SMS_PROVIDER: 'sns',
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:1',
    SQS_ENDPOINT: 'http://127.0.0.1:1',
    SNS_ENDPOINT: 'http://127.0.0.1:1',
    LOCAL_TOKEN_SECRET: 'a'.repeat(32),
    LOCAL_CRYPTO_KEY: '0'.repeat(64),
    INBOUND_SMS_SECRET: 'b'.repeat(32),
    TOKEN_ISSUER: 'aftercare-local',
  }

  it("is built by the dispatcher's deps with one attempt, apart from the topic client that retries", async () => {
    const deps = await createDeps(loadConfig(localConfig), { function: 'notification-dispatcher' })
    expect(deps.sms).toBeInstanceOf(SnsSms)
    const { sns: client } = deps.sms as SnsSms
    const topicClient = (deps.topics as unknown as { sns: { config: { maxAttempts(): Promise<number> } } })
      .sns
    expect(client).not.toBe(topicClient)
    expect(await client.config.maxAttempts()).toBe(1)
    expect(await topicClient.config.maxAttempts()).toBe(3)
  })

  it("gives up well inside the dispatcher's Lambda timeout", () => {
    const dispatcherMs = functions['notification-dispatcher'].timeoutSeconds * 1000
    expect(SMS_CONNECTION_TIMEOUT_MS + SMS_REQUEST_TIMEOUT_MS).toBeLessThan(dispatcherMs / 2)
  })

  /** A real HTTP endpoint for SNS (the mock restored): counts the requests that reach it. */
  const withEndpoint = async (
    respond: (req: IncomingMessage, res: ServerResponse) => void,
    body: (endpoint: string, requests: () => number) => Promise<void>,
  ) => {
    sns.restore()
    let requests = 0
    const server = createServer((req, res) => {
      requests++
      req.resume()
      respond(req, res)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, () => requests)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      sns = mockClient(SNSClient)
    }
  }
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' }
  const message = { to: '+8613800138000', text: 'x', idempotencyKey: 'k' }

  it('takes a Publish without an answer as uncertain after one request, not retried', async () => {
    await withEndpoint(
      () => {}, // never answers
      async (endpoint, requests) => {
        const client = createSmsSnsClient(
          { region: 'us-east-1', credentials, endpoint },
          { requestTimeout: 300 },
        )
        await expect(new SnsSms(client).send(message)).rejects.toMatchObject({
          name: 'SmsError',
          kind: 'uncertain',
          message: expect.stringContaining('TimeoutError'),
        })
        expect(requests()).toBe(1)
      },
    )
  })

  it('takes a refused connection as transient: the request never reached SNS, so it is safe to send again', async () => {
    const closedPort = await new Promise<number>((done) => {
      const server = createServer()
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo
        server.close(() => done(port))
      })
    })
    await withEndpoint(
      () => {},
      async () => {
        const client = createSmsSnsClient({
          region: 'us-east-1',
          credentials,
          endpoint: `http://127.0.0.1:${closedPort}`,
        })
        await expect(new SnsSms(client).send(message)).rejects.toMatchObject({
          name: 'SmsError',
          kind: 'transient',
          message: expect.stringContaining('ECONNREFUSED'),
        })
      },
    )
    const connectTimeout = Object.assign(
      new Error('the request socket did not establish a connection with the server within 3000 ms.'),
      { name: 'TimeoutError' },
    )
    expect(classifySnsError(connectTimeout)).toBe('transient')
    // Reset after the request went out: SNS may have it.
    expect(classifySnsError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(
      'uncertain',
    )
  })

  it('hands a 5xx to the dispatcher as transient after one request: the SDK does not resend it', async () => {
    await withEndpoint(
      (_req, res) => {
        res.writeHead(500, { 'content-type': 'text/xml' })
        res.end(
          '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>boom</Message></Error></ErrorResponse>',
        )
      },
      async (endpoint, requests) => {
        const client = createSmsSnsClient({ region: 'us-east-1', credentials, endpoint })
        await expect(new SnsSms(client).send(message)).rejects.toMatchObject({ kind: 'transient' })
        expect(requests()).toBe(1)
      },
    )
  })
})

describe('the blind-index root key on AWS', () => {
  it('is the MAC of a fixed label by the KMS HMAC key', async () => {
    kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array(32).fill(7) })
    const key = await deriveIndexKey(
      new KMSClient({ region: 'ap-southeast-1' }),
      'arn:aws:kms:ap-southeast-1:1:key/hmac',
    )
    expect(key).toEqual(new Uint8Array(32).fill(7))
    const input = kms.commandCalls(GenerateMacCommand)[0]?.args[0].input
    expect(input?.KeyId).toBe('arn:aws:kms:ap-southeast-1:1:key/hmac')
    expect(input?.MacAlgorithm).toBe('HMAC_SHA_256')
    expect(new TextDecoder().decode(input?.Message)).toBe(INDEX_KEY_LABEL)
  })

  it('fails the cold start when KMS returns no usable MAC', async () => {
    kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array(8) })
    await expect(deriveIndexKey(new KMSClient({ region: 'ap-southeast-1' }), 'arn:k')).rejects.toThrow(
      /32-byte MAC/,
    )
  })
})
