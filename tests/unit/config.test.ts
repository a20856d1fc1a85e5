import { describe, expect, it } from 'vitest'
import { loadCdkAppConfig, loadConfig, loadLocalStartConfig } from '../../shared/platform/config.ts'

const valid = {
  AWS_REGION: 'ap-east-1',
  TABLE_NAME: 'aftercare',
  TIMERS_QUEUE_URL: 'https://sqs.ap-east-1.amazonaws.com/123456789012/timers',
  NOTIFICATIONS_QUEUE_URL: 'https://sqs.ap-east-1.amazonaws.com/123456789012/notifications',
  EVENTS_TOPIC_ARN: 'arn:aws:sns:ap-east-1:123456789012:events',
  OFFICERS_TOPIC_ARN: 'arn:aws:sns:ap-east-1:123456789012:officers',
  KMS_KEY_ARN: 'arn:aws:kms:ap-east-1:123456789012:key/data',
  BLIND_INDEX_KEY_ARN: 'arn:aws:kms:ap-east-1:123456789012:key/index',
  INBOUND_SMS_SECRET_ARN: 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:inbound',
  TOKEN_ISSUER: 'https://cognito-idp.ap-east-1.amazonaws.com/ap-east-1_AbC123',
  USER_POOL_ID: 'ap-east-1_AbC123',
}

describe('configuration', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig(valid)).toMatchObject({
      AFTERCARE_MODE: 'aws',
      SMS_PROVIDER: 'sns',
      TIMER_SHARDS: 8,
      QUEUE_DELAY_CAP_SECONDS: 900,
      SMS_MAX_PER_SECOND: 10,
      LOG_LEVEL: 'INFO',
    })
  })

  it('reads whole numbers within their bounds (0 turns the SMS limit off)', () => {
    expect(loadConfig({ ...valid, SMS_MAX_PER_SECOND: '0', TIMER_SHARDS: '64' })).toMatchObject({
      SMS_MAX_PER_SECOND: 0,
      TIMER_SHARDS: 64,
    })
    expect(() => loadConfig({ ...valid, SMS_MAX_PER_SECOND: '10001' })).toThrow(
      /SMS_MAX_PER_SECOND must be a whole number from 0 to 10000/,
    )
    expect(() => loadConfig({ ...valid, TIMER_SHARDS: '0' })).toThrow(/TIMER_SHARDS must be a whole number/)
    for (const bad of ['-1', '1.5', '1e2', '0x10'])
      expect(() => loadConfig({ ...valid, QUEUE_DELAY_CAP_SECONDS: bad }), bad).toThrow(
        /QUEUE_DELAY_CAP_SECONDS must be a whole number/,
      )
  })

  it('refuses an empty string instead of reading it as 0, naming the variable', () => {
    for (const key of [
      'QUEUE_DELAY_CAP_SECONDS',
      'TIMER_SHARDS',
      'SMS_MAX_PER_SECOND',
      'TABLE_NAME',
      'LOG_LEVEL',
    ])
      expect(() => loadConfig({ ...valid, [key]: '' }), key).toThrow(`${key} must not be empty`)
  })

  it('names a missing variable', () => {
    const { TABLE_NAME: _, ...withoutTable } = valid
    expect(() => loadConfig(withoutTable)).toThrow('Invalid configuration: TABLE_NAME is required')
  })

  it('names a malformed variable and the reason', () => {
    expect(() => loadConfig({ ...valid, TIMER_SHARDS: 'many' })).toThrow(/TIMER_SHARDS/)
    expect(() => loadConfig({ ...valid, QUEUE_DELAY_CAP_SECONDS: '901' })).toThrow(/QUEUE_DELAY_CAP_SECONDS/)
    expect(() => loadConfig({ ...valid, TIMERS_QUEUE_URL: 'timers' })).toThrow(
      /TIMERS_QUEUE_URL must be an http/,
    )
  })

  it('refuses AWS mode without the keys of field encryption', () => {
    const { BLIND_INDEX_KEY_ARN: _, ...withoutIndexKey } = valid
    expect(() => loadConfig(withoutIndexKey)).toThrow(/BLIND_INDEX_KEY_ARN is required in aws mode/)
  })

  it('refuses local mode without emulator endpoints, so nothing falls back to real AWS', () => {
    expect(() => loadConfig({ ...valid, AFTERCARE_MODE: 'local' })).toThrow(
      /DYNAMODB_ENDPOINT is required in local mode.*SQS_ENDPOINT/,
    )
  })
})

describe('npm start configuration', () => {
  it('defaults to the documented ports and a quieter log level', () => {
    expect(loadLocalStartConfig({})).toEqual({
      PORT: 3000,
      DYNAMODB_LOCAL_PORT: 8000,
      FAUXQS_PORT: 4566,
      LOG_LEVEL: 'WARN',
    })
    expect(loadLocalStartConfig({ PORT: '0', FAUXQS_PORT: '65535' })).toMatchObject({
      PORT: 0,
      FAUXQS_PORT: 65535,
    })
  })

  it('names a malformed or empty port and the reason', () => {
    expect(() => loadLocalStartConfig({ PORT: '' })).toThrow('PORT must not be empty')
    expect(() => loadLocalStartConfig({ DYNAMODB_LOCAL_PORT: '65536' })).toThrow(
      'DYNAMODB_LOCAL_PORT must be a whole number from 0 to 65535',
    )
    expect(() => loadLocalStartConfig({ FAUXQS_PORT: 'http' })).toThrow(/FAUXQS_PORT must be a whole number/)
    expect(() => loadLocalStartConfig({ LOG_LEVEL: 'TRACE' })).toThrow(/LOG_LEVEL/)
  })
})

describe('CDK app configuration', () => {
  it('defaults the stage to dev and pins no account', () => {
    expect(loadCdkAppConfig({})).toEqual({ AFTERCARE_STAGE: 'dev' })
    expect(
      loadCdkAppConfig({
        AFTERCARE_STAGE: 'prod',
        CDK_DEFAULT_ACCOUNT: '123456789012',
        CDK_DEFAULT_REGION: 'cn-north-1',
      }),
    ).toEqual({
      AFTERCARE_STAGE: 'prod',
      CDK_DEFAULT_ACCOUNT: '123456789012',
      CDK_DEFAULT_REGION: 'cn-north-1',
    })
  })

  it('names a malformed or empty variable and the reason', () => {
    expect(() => loadCdkAppConfig({ AFTERCARE_STAGE: '' })).toThrow('AFTERCARE_STAGE must not be empty')
    expect(() => loadCdkAppConfig({ AFTERCARE_STAGE: 'my stage' })).toThrow(
      /AFTERCARE_STAGE must be letters, digits and dashes/,
    )
    expect(() => loadCdkAppConfig({ CDK_DEFAULT_ACCOUNT: '1234' })).toThrow(
      /CDK_DEFAULT_ACCOUNT must be a 12-digit/,
    )
  })

  it('refuses an account without a region, naming the region', () => {
    expect(() => loadCdkAppConfig({ CDK_DEFAULT_ACCOUNT: '123456789012' })).toThrow(
      'Invalid configuration: CDK_DEFAULT_REGION is required with CDK_DEFAULT_ACCOUNT',
    )
    expect(() => loadCdkAppConfig({ CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: '' })).toThrow(
      /CDK_DEFAULT_REGION must not be empty/,
    )
  })

  it('accepts a region without an account, as the CDK CLI sets it when it finds no credentials', () => {
    // infra/app.ts pins the stacks only with both: these stay environment-agnostic.
    expect(loadCdkAppConfig({ CDK_DEFAULT_REGION: 'us-east-1' })).toEqual({
      AFTERCARE_STAGE: 'dev',
      CDK_DEFAULT_REGION: 'us-east-1',
    })
  })
})
