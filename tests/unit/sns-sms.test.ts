// SNS has no local engine for SMS (fauxqs refuses Publish to a phone number): the request is checked in detail.
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms'
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { deriveIndexKey, INDEX_KEY_LABEL } from '../../shared/adapters/crypto/kms-index-key.ts'
import { classifySnsError, SnsSms } from '../../shared/adapters/sms/sns-sms.ts'
import type { SmsPort } from '../../shared/ports/sms.ts'

const sns = mockClient(SNSClient)
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
