import middy from '@middy/core'
import type { AppDeps } from '#shared/deps.ts'
import { lambdaHandler } from '#shared/lambda.ts'
import { sweepDueTimers } from '#shared/use-cases/timers.ts'

export const createHandler = (deps: AppDeps) =>
  middy().handler(async () => {
    const report = await sweepDueTimers(deps)
    if (report.enqueued + report.reswept > 0) deps.logger.info('timers swept', { ...report })
    return report
  })

export const handler = lambdaHandler('timer-sweeper', createHandler)
