import * as z from 'zod'
import type { AppDeps } from '#shared/deps.ts'
import { caseEventMessageSchema } from '#shared/domain/cases/events.ts'
import { lambdaHandler } from '#shared/lambda.ts'
import { streamConsumer } from '#shared/middleware/batch.ts'
import { publishEvent } from '#shared/use-cases/publish-outbox.ts'

const outboxItem = z.object({ payload: caseEventMessageSchema })

export const createHandler = (deps: AppDeps) =>
  streamConsumer(outboxItem, (item) => publishEvent(deps, item.payload), deps.logger)

export const handler = lambdaHandler('outbox-publisher', createHandler)
