import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../shared/config.ts'

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
}

describe('configuration', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig(valid)).toMatchObject({
      AFTERCARE_MODE: 'aws',
      SMS_PROVIDER: 'sns',
      TIMER_SHARDS: 8,
      QUEUE_DELAY_CAP_SECONDS: 900,
      LOG_LEVEL: 'INFO',
    })
  })

  it('names a missing variable', () => {
    const { TABLE_NAME: _, ...withoutTable } = valid
    expect(() => loadConfig(withoutTable)).toThrow(/TABLE_NAME/)
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
