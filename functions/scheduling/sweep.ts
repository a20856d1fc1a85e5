import middy from '@middy/core'
import { resumeRecomputes } from '#shared/calendar/actions/resume-recomputes.ts'
import { warnNextYearMissing } from '#shared/calendar/actions/warn-next-year-missing.ts'
import { requeueStaleNotifications } from '#shared/notifications/actions/requeue-stale.ts'
import { queues } from '#shared/platform/aws/queues.ts'
import { table } from '#shared/platform/aws/table.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'
import { sweepDueTimers } from '#shared/scheduling/actions/sweep.ts'

/**
 * Every minute: due timers into the timers queue; notifications whose queue message was lost queued again; visits
 * still marked provisional under a year now loaded recomputed (a load that stopped half-way); and, from 1 November,
 * a warning when next year's holiday arrangement is missing. Each runs even if another failed;
 * a failure still fails the invocation, so that it shows in the function's errors.
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
    const recomputes = await attempt(() => resumeRecomputes(deps))
    await attempt(() => warnNextYearMissing(deps))
    if (failures.length > 0 || !report) throw failures[0]
    if (report.enqueued + report.reswept > 0) deps.logger.info('timers swept', { ...report })
    return {
      ...report,
      requeuedNotifications: notifications?.requeued ?? 0,
      recomputedVisits: recomputes?.recomputed ?? 0,
    }
  })

export const handler = lambdaHandler('timer-sweeper', { table, queues }, createHandler)
