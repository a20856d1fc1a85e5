import middy from '@middy/core'
import type { AppDeps } from '#shared/deps.ts'
import { lambdaHandler } from '#shared/lambda.ts'
import { requeueStaleNotifications } from '#shared/use-cases/requeue-notifications.ts'
import { sweepDueTimers } from '#shared/use-cases/timers.ts'

/**
 * Every minute: due timers into the timers queue, and notifications whose queue message was lost queued again. Each
 * runs even if the other failed; a failure still fails the invocation, so that it shows in the function's errors.
 */
export const createHandler = (deps: AppDeps) =>
  middy().handler(async () => {
    const failures: unknown[] = []
    const attempt = async <T>(step: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await step()
      } catch (error) {
        failures.push(error)
        return undefined
      }
    }
    const report = await attempt(() => sweepDueTimers(deps))
    const notifications = await attempt(() => requeueStaleNotifications(deps))
    if (failures.length > 0 || !report) throw failures[0]
    if (report.enqueued + report.reswept > 0) deps.logger.info('timers swept', { ...report })
    return { ...report, requeuedNotifications: notifications?.requeued ?? 0 }
  })

export const handler = lambdaHandler('timer-sweeper', createHandler)
