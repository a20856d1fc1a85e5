// The topic adapter: SNS topics (its client made on first use), only those the function declares.
import { SNSClient } from '@aws-sdk/client-sns'
import type { Adapter } from '../deps.ts'
import type { TopicPort } from '../messaging/port.ts'
import { SnsTopics } from '../messaging/sns-topics.ts'
import { lazy } from './lazy.ts'

export const topics: Adapter<TopicPort> = ({ config, name, uses, region, credentials, recorded }) =>
  new SnsTopics(
    lazy(() => recorded(new SNSClient({ region, credentials, endpoint: config.SNS_ENDPOINT }))),
    config,
    { function: name, topics: uses.publishesTo },
  )
