// The one place the environment is read. A missing or malformed variable stops the process at start, naming it.
import * as z from 'zod'
import { ConfigError } from './errors.ts'

// Not z.url() nor URL.canParse: fauxqs names its queues with hosts such as sqs.us-east-1.127.0.0.1:4566.
const url = z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an http(s) URL')
const positiveInt = z.coerce.number().int().nonnegative()

export const configSchema = z
  .object({
    AFTERCARE_MODE: z.enum(['aws', 'local']).default('aws'),
    AWS_REGION: z.string().min(1),
    TABLE_NAME: z.string().min(3),
    TIMERS_QUEUE_URL: url,
    NOTIFICATIONS_QUEUE_URL: url,
    EVENTS_TOPIC_ARN: z.string().startsWith('arn:'),
    OFFICERS_TOPIC_ARN: z.string().startsWith('arn:'),
    SMS_PROVIDER: z.enum(['local', 'sns']).default('sns'),
    /** Shards per due-minute bucket; more shards spread a busy minute over more partitions. @default 8 */
    TIMER_SHARDS: positiveInt.min(1).max(64).default(8),
    /** Upper bound of SQS DelaySeconds. Tests set 0 so that nothing waits on wall time. @default 900 */
    QUEUE_DELAY_CAP_SECONDS: positiveInt.max(900).default(900),
    /** SMS sent per second across every dispatcher (a shared counter); 0 turns the limit off. @default 10 */
    SMS_MAX_PER_SECOND: positiveInt.max(10_000).default(10),
    LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    DYNAMODB_ENDPOINT: url.optional(),
    SQS_ENDPOINT: url.optional(),
    SNS_ENDPOINT: url.optional(),
    /** Signs local tokens; local mode only. */
    LOCAL_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Master key of the local Crypto adapter (64 hex digits); local mode only. */
    LOCAL_CRYPTO_KEY: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex digits')
      .optional(),
    /** Shared secret of the inbound SMS route; local mode only (on AWS it is read from Secrets Manager). */
    INBOUND_SMS_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** The customer-managed KMS key that makes the data keys of field encryption. */
    KMS_KEY_ARN: z.string().startsWith('arn:').optional(),
    /** A KMS HMAC key: the blind-index key is derived from it at cold start, never stored. */
    BLIND_INDEX_KEY_ARN: z.string().startsWith('arn:').optional(),
    /** The Secrets Manager secret holding the inbound SMS route's shared secret. */
    INBOUND_SMS_SECRET_ARN: z.string().startsWith('arn:').optional(),
  })
  .superRefine((c, ctx) => {
    // No code path may fall back to a real AWS endpoint in local mode, nor run on AWS without its keys.
    const required =
      c.AFTERCARE_MODE === 'local'
        ? ([
            'DYNAMODB_ENDPOINT',
            'SQS_ENDPOINT',
            'SNS_ENDPOINT',
            'LOCAL_TOKEN_SECRET',
            'LOCAL_CRYPTO_KEY',
            'INBOUND_SMS_SECRET',
          ] as const)
        : (['KMS_KEY_ARN', 'BLIND_INDEX_KEY_ARN', 'INBOUND_SMS_SECRET_ARN'] as const)
    for (const key of required) {
      if (!c[key])
        ctx.addIssue({ code: 'custom', path: [key], message: `is required in ${c.AFTERCARE_MODE} mode` })
    }
  })

export type Config = z.infer<typeof configSchema>

export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => {
  const parsed = configSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`)
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`)
  }
  return parsed.data
}
