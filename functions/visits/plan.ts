import { matterEventMessageSchema } from '#shared/matters/rules/events.ts'
import { crypto } from '#shared/platform/aws/crypto.ts'
import { queues } from '#shared/platform/aws/queues.ts'
import { table } from '#shared/platform/aws/table.ts'
import { sqsConsumer } from '#shared/platform/batch.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'
import { planVisitsForEvent } from '#shared/visits/actions/plan-visits.ts'

export const createHandler = (deps: AppDeps) =>
  sqsConsumer(matterEventMessageSchema, (event) => planVisitsForEvent(deps, event), deps.logger)

export const handler = lambdaHandler('visit-planner', { table, queues, crypto }, createHandler)
