// A send-rate limit that holds across every concurrent dispatcher: one counter item per second, incremented
// conditionally. A dispatcher that finds the second full backs off; nothing is dropped.
import { $add, UpdateItemCommand } from 'dynamodb-toolbox'
import { isConditionRefusal } from '../platform/audit.ts'
import type { AppDeps } from '../platform/deps.ts'

/** Takes one send from the current second's allowance; false when the second is full (or the limit is 0: off). */
export const takeSendSlot = async ({ store, clock, config }: AppDeps, limiter = 'sms'): Promise<boolean> => {
  const limit = config.SMS_MAX_PER_SECOND
  if (limit === 0) return true
  const second = Math.floor(clock.now().getTime() / 1000)
  try {
    await store.RateWindow.build(UpdateItemCommand)
      .item({ limiter, second, count: $add(1), expiresAt: second + 3600 })
      .options({
        condition: {
          or: [
            { attr: 'count', exists: false },
            { attr: 'count', lt: limit },
          ],
        },
      })
      .send()
    return true
  } catch (error) {
    if (isConditionRefusal(error)) return false
    throw error
  }
}
