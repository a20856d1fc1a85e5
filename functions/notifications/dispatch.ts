import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency'
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb'
import { dispatchNotification } from '#shared/notifications/actions/dispatch.ts'
import { crypto } from '#shared/platform/aws/crypto.ts'
import { queues } from '#shared/platform/aws/queues.ts'
import { sms } from '#shared/platform/aws/sms.ts'
import { table } from '#shared/platform/aws/table.ts'
import { topics } from '#shared/platform/aws/topics.ts'
import { sqsConsumer } from '#shared/platform/batch.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'
import { notificationMessageSchema } from '#shared/scheduling/rules/messages.ts'

/** Longer than the longest retry window: a message may be redriven from its DLQ up to 14 days later. */
const IDEMPOTENCY_EXPIRY_SECONDS = 15 * 24 * 3600

export const createHandler = (deps: AppDeps) => {
  // The idempotency records share the table (the TTL attribute removes them); one message delivered twice, or
  // handled by two dispatchers at once, runs once. The key is the pair [notificationId, delivery], not the id alone,
  // on purpose: every deliberate requeue (a retry after throttling, the end of quiet hours, a topic retry, a resend
  // decided by a person) carries a fresh `delivery`, and keyed on the id alone it would get the stored result of the
  // first run back for 15 days and never be sent. Sending once is the notification item's business (its conditional
  // `sending` marker, see decision 0008), not this layer's: this only saves repeating the work of a duplicate.
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: deps.config.TABLE_NAME,
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    staticPkValue: 'IDEMPOTENCY#notification-dispatcher',
    expiryAttr: 'expiresAt',
    awsSdkV3Client: deps.dynamodb,
  })
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[notificationId, delivery]',
    expiresAfterSeconds: IDEMPOTENCY_EXPIRY_SECONDS,
  })
  const dispatchOnce = makeIdempotent((message) => dispatchNotification(deps, message), {
    persistenceStore,
    config,
  })
  return sqsConsumer(
    notificationMessageSchema,
    (message, _record, context) => {
      config.registerLambdaContext(context)
      return dispatchOnce(message)
    },
    deps.logger,
  )
}

export const handler = lambdaHandler(
  'notification-dispatcher',
  { table, queues, topics, crypto, sms },
  createHandler,
)
