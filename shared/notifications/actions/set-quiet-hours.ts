// An administrator sets a region's quiet hours for petitioners' SMS.
import * as z from 'zod'
import { significantPrefix } from '../../access/rules/region-scope.ts'
import { type Actor, requireRegion } from '../../access/rules/roles.ts'
import { regionCodeSchema } from '../../directory/rules/schemas.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { quietHoursSchema } from '../rules/quiet-hours.ts'
import { quietHoursOf, saveQuietHours } from '../store/settings.ts'

export const quietHoursInput = z.object({ regionCode: regionCodeSchema }).and(quietHoursSchema)

export const setQuietHours = async (deps: AppDeps, actor: Actor, input: z.infer<typeof quietHoursInput>) => {
  const { store, clock } = deps
  requireRegion(actor, input.regionCode)
  const region = significantPrefix(input.regionCode)
  const before = await quietHoursOf(store, region)
  const now = clock.now()
  const after = {
    region,
    start: input.start,
    end: input.end,
    updatedAt: now.toISOString(),
    updatedBy: actor.id,
  }
  await saveQuietHours(store, after, {
    actor: actor.id,
    action: 'quiet-hours.saved',
    regionCode: input.regionCode,
    at: now,
    before,
    after,
  })
  return { regionCode: input.regionCode, start: after.start, end: after.end }
}
