import { notificationTimerHandlers } from '#shared/notifications/timer-handlers.ts'
import { crypto } from '#shared/platform/aws/crypto.ts'
import { queues } from '#shared/platform/aws/queues.ts'
import { table } from '#shared/platform/aws/table.ts'
import { sqsConsumer } from '#shared/platform/batch.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'
import { fireTimer } from '#shared/scheduling/actions/fire-timer.ts'
import type { TimerHandlers } from '#shared/scheduling/ports.ts'
import type { TimerMessage } from '#shared/scheduling/rules/messages.ts'
import { timerMessageSchema } from '#shared/scheduling/rules/messages.ts'
import { visitTimerHandlers } from '#shared/visits/timer-handlers.ts'

/** Every kind of timer with its handler: a new kind adds its context's handler here (the type asks for every kind). */
export const timerHandlers: TimerHandlers = {
  ...visitTimerHandlers,
  ...notificationTimerHandlers,
}

/** A timer message fired with every kind's handler, as the consumer does. */
export const fireOfficeTimer = (deps: AppDeps, message: TimerMessage) =>
  fireTimer(deps, message, timerHandlers)

export const createHandler = (deps: AppDeps) =>
  sqsConsumer(timerMessageSchema, (message) => fireOfficeTimer(deps, message), deps.logger)

export const handler = lambdaHandler('timer-consumer', { table, queues, crypto }, createHandler)
