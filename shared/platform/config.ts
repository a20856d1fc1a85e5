// The one place the environment is read: the functions' configuration, `npm start`'s and the CDK app's. A missing
// or malformed variable stops the process at start, naming it and the reason. Every Lambda imports this module:
// it imports zod and nothing else (no local-only or CDK code).
import * as z from 'zod'
import { ConfigError } from './errors.ts'

// Not z.url() nor URL.canParse: fauxqs names its queues with hosts such as sqs.us-east-1.127.0.0.1:4566.
const url = z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an http(s) URL')

/**
 * A whole number from `min` to `max`, given as digits (the environment) or as a number (CDK settings). Not
 * z.coerce.number(), which reads an empty string (`QUEUE_DELAY_CAP_SECONDS=`) as 0.
 */
const wholeNumber = (min: number, max: number) => {
  const reason = `must be a whole number from ${min} to ${max}`
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value),
    z
      .number({ error: (issue) => (issue.input === '' ? 'must not be empty' : reason) })
      .int(reason)
      .min(min, reason)
      .max(max, reason),
  )
}
const logLevel = z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR'])

/** Variables that are optional in the schema but required in one mode (checked after the rest). */
export const requiredInMode = {
  local: [
    'DYNAMODB_ENDPOINT',
    'SQS_ENDPOINT',
    'SNS_ENDPOINT',
    'LOCAL_TOKEN_SECRET',
    'LOCAL_CRYPTO_KEY',
    'INBOUND_SMS_SECRET',
  ],
  aws: ['KMS_KEY_ARN', 'BLIND_INDEX_KEY_ARN', 'INBOUND_SMS_SECRET_ARN'],
} as const

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
    TIMER_SHARDS: wholeNumber(1, 64).default(8),
    /** Upper bound of SQS DelaySeconds. Tests set 0 so that nothing waits on wall time. @default 900 */
    QUEUE_DELAY_CAP_SECONDS: wholeNumber(0, 900).default(900),
    /** SMS sent per second across every dispatcher (a shared counter); 0 turns the limit off. @default 10 */
    SMS_MAX_PER_SECOND: wholeNumber(0, 10_000).default(10),
    LOG_LEVEL: logLevel.default('INFO'),
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
    /** The `iss` of the ID tokens the API accepts: the user pool's, or another OIDC provider's. */
    TOKEN_ISSUER: z.string().min(1),
    /**
     * The longest life (`exp` − `iat`) of a token the API accepts, in seconds: a token minted to live longer (a
     * stolen signing key, a provider misconfigured) is refused even before it expires. @default 3600, the user pool
     * client's ID token validity
     */
    TOKEN_MAX_LIFETIME_SECONDS: wholeNumber(60, 86_400).default(3600),
    /**
     * The Cognito user pool where administrators create sign-ins (AdminCreateUser). Unset when the identity provider
     * is not Cognito: people are then created there and linked by their subject.
     */
    USER_POOL_ID: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+_[0-9A-Za-z]+$/, 'must be a user pool id such as eu-west-1_AbC123')
      .optional(),
  })
  .superRefine((c, ctx) => {
    // No code path may fall back to a real AWS endpoint in local mode, nor run on AWS without its keys.
    for (const key of requiredInMode[c.AFTERCARE_MODE]) {
      if (!c[key])
        ctx.addIssue({ code: 'custom', path: [key], message: `is required in ${c.AFTERCARE_MODE} mode` })
    }
  })

export type Config = z.infer<typeof configSchema>

/** `npm start` (local/start.ts): the ports it binds on 127.0.0.1 and the functions' log level. */
const port = wholeNumber(0, 65_535)
export const localStartSchema = z.object({
  /** The HTTP API. */
  PORT: port.default(3000),
  DYNAMODB_LOCAL_PORT: port.default(8000),
  FAUXQS_PORT: port.default(4566),
  /** Log level of the functions run by `npm start` (quieter than on AWS). */
  LOG_LEVEL: logLevel.default('WARN'),
  /** Folder where each function's AWS calls are recorded for the permission check. @default .aftercare/aws-calls */
  AFTERCARE_AWS_CALLS: z.string().min(1).optional(),
})
export type LocalStartConfig = z.infer<typeof localStartSchema>

/**
 * The CDK app (infra/app.ts). The CDK CLI always sets CDK_DEFAULT_REGION (its default region, us-east-1 when none
 * is configured) and CDK_DEFAULT_ACCOUNT only when it finds credentials. The stacks are pinned with both; the region
 * alone (a synth without credentials) leaves them environment-agnostic. The account alone is never what the CLI
 * sets, so it is refused: set by hand, it would otherwise be ignored without a word.
 */
export const cdkAppSchema = z
  .object({
    /** Names the stacks, so that several stages fit in one account. */
    AFTERCARE_STAGE: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be letters, digits and dashes, starting with a letter')
      .default('dev'),
    CDK_DEFAULT_ACCOUNT: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
    CDK_DEFAULT_REGION: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as ap-east-1')
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.CDK_DEFAULT_ACCOUNT && !c.CDK_DEFAULT_REGION)
      ctx.addIssue({
        code: 'custom',
        path: ['CDK_DEFAULT_REGION'],
        message:
          'is required with CDK_DEFAULT_ACCOUNT: the stacks are pinned to an account and a region, or neither',
      })
  })
export type CdkAppConfig = z.infer<typeof cdkAppSchema>

/** Parses `env` with `schema`, or throws a ConfigError naming each variable at fault and the reason. */
export const parseEnv = <S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> => {
  const parsed = schema.safeParse(env)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(root)'
    const raw = issue.path.length === 1 ? env[String(issue.path[0])] : null
    if (raw === undefined && issue.code === 'invalid_type') return `${name} is required`
    if (raw === '' && issue.code !== 'custom') return `${name} must not be empty`
    return `${name} ${issue.message}`
  })
  throw new ConfigError(`Invalid configuration: ${[...new Set(problems)].join('; ')}`)
}

export const loadConfig = (env: Record<string, string | undefined> = process.env): Config =>
  parseEnv(configSchema, env)
export const loadLocalStartConfig = (
  env: Record<string, string | undefined> = process.env,
): LocalStartConfig => parseEnv(localStartSchema, env)
export const loadCdkAppConfig = (env: Record<string, string | undefined> = process.env): CdkAppConfig =>
  parseEnv(cdkAppSchema, env)
