import type { AppDeps } from '#shared/deps.ts'
import { caseEventMessageSchema } from '#shared/domain/cases/events.ts'
import { lambdaHandler } from '#shared/lambda.ts'
import { sqsConsumer } from '#shared/middleware/batch.ts'
import { planVisitsForEvent } from '#shared/use-cases/plan-visits.ts'

export const createHandler = (deps: AppDeps) =>
  sqsConsumer(caseEventMessageSchema, (event) => planVisitsForEvent(deps, event), deps.logger)

export const handler = lambdaHandler('visit-planner', createHandler)
