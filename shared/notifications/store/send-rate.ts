// A send-rate limit that holds across every concurrent dispatcher: one counter item per second, incremented
// conditionally. A dispatcher that finds the second full backs off; nothing is dropped.

import { UpdateItemCommand } from 'dynamodb-toolbox/entity/actions/update'
import { $add } from 'dynamodb-toolbox/entity/actions/update/symbols'
import { writeUnlessDone } from '../../platform/audit.ts'
import type { Store } from '../../platform/table/store.ts'

/** Takes one send from this second's window of the limiter; false when the window is full. */
export const takeSendSlot = (store: Store, limiter: string, now: Date, limit: number): Promise<boolean> => {
  const second = Math.floor(now.getTime() / 1000)
  return writeUnlessDone(
    store.RateWindow.build(UpdateItemCommand)
      .item({ limiter, second, count: $add(1), expiresAt: second + 3600 })
      .options({
        condition: {
          or: [
            { attr: 'count', exists: false },
            { attr: 'count', lt: limit },
          ],
        },
      })
      .send(),
  )
}
