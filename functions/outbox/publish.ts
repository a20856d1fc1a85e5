import * as z from 'zod'
import { matterEventMessageSchema } from '#shared/matters/rules/events.ts'
import { topics } from '#shared/platform/aws/topics.ts'
import { streamConsumer } from '#shared/platform/batch.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'
import { publishEvent } from '#shared/platform/outbox.ts'

const outboxItem = z.object({ payload: matterEventMessageSchema })

export const createHandler = (deps: AppDeps) =>
  streamConsumer(outboxItem, (item) => publishEvent(deps, item.payload), deps.logger)

export const handler = lambdaHandler('outbox-publisher', { topics }, createHandler)
