// The monthly summary a supervisor reports, one row per officer, as CSV.
import type * as z from 'zod'
import { type Actor, requireRegion } from '../../access/rules/roles.ts'
import { businessDateOf } from '../../calendar/rules/business-time.ts'
import { toCsv } from '../../platform/csv.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { monthOf, type monthQuery, rate } from '../rules/board.ts'
import { staffNames } from '../store/board.ts'
import { boardReads, monthFigures } from './region-board.ts'

const HEADER = [
  '月份',
  '单位',
  '回访员',
  '本月应回访',
  '本月完成',
  '按期完成',
  '逾期未完成',
  '联系成功率',
  '满意率',
  '问责记录',
]

export const monthlySummaryCsv = async (
  deps: AppDeps,
  actor: Actor,
  regionCode: string,
  query: z.infer<typeof monthQuery>,
) => {
  requireRegion(actor, regionCode)
  const month = monthOf(query.month, businessDateOf(deps.clock.now()))
  const { figures } = await monthFigures(boardReads(deps), deps.clock.now(), regionCode, month)
  const names = await staffNames(
    deps.store,
    [...new Set(figures.map((f) => f.officerId))],
    [...new Set(figures.map((f) => f.unitId))],
  )
  const percent = (value: number | null) => (value === null ? '' : `${value}%`)
  const csv = toCsv(
    HEADER,
    figures.map((f) => [
      month,
      names.get(`unit:${f.unitId}`) ?? f.unitId,
      names.get(`officer:${f.officerId}`) ?? f.officerId,
      f.due,
      f.completed,
      f.onTime,
      f.overdueOpen,
      percent(rate(f.reached, f.attempts)),
      percent(rate(f.satisfied, f.reached)),
      f.accountability,
    ]),
  )
  return { csv, filename: `aftercare-${regionCode}-${month}.csv` }
}
