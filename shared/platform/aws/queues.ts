// The queue adapter: SQS (its client made on first use), only the queues the function declares.
import { SQSClient } from '@aws-sdk/client-sqs'
import type { Adapter } from '../deps.ts'
import type { QueuePort } from '../messaging/port.ts'
import { SqsQueues } from '../messaging/sqs-queues.ts'
import { lazy } from './lazy.ts'

export const queues: Adapter<QueuePort> = ({ config, name, uses, region, credentials, recorded }) =>
  new SqsQueues(
    lazy(() => recorded(new SQSClient({ region, credentials, endpoint: config.SQS_ENDPOINT }))),
    config,
    { function: name, queues: uses.sendsTo },
  )
