// The figures of a region's board and monthly report, counted from the visits, ledger entries and flags of a month:
// what is due, done, done on time, overdue now, attempts and reach, satisfaction, and the accountability records.
import * as z from 'zod'
import { businessDateOf } from '../../calendar/rules/business-time.ts'
import { type PageQuery, pageQuery } from '../../platform/pages.ts'
import type { Outcome } from './outcome.ts'

/** A month of the office's reports: `YYYY-MM`, 2000 to 2100 (no office reports on year 0 or year 9999). */
export const monthSchema = z
  .string()
  .regex(/^(20\d\d|2100)-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM of the years 2000 to 2100')
export const monthQuery = z.object({ month: monthSchema.optional() })

/** A month's list, a page at a time (`limit`, `cursor`). */
export const monthPageQuery = monthQuery.extend(pageQuery.shape)

/** A month's list as an action takes it: the page's size defaults to that of every list (50). */
export type MonthPageQuery = z.infer<typeof monthQuery> & Partial<PageQuery>

/** The page of a month's list asked for, with the default size. */
export const pageOfQuery = (query: MonthPageQuery) => ({
  limit: query.limit ?? pageQuery.shape.limit.parse(undefined),
  cursor: query.cursor,
})

/** The month asked for, or the month of today. */
export const monthOf = (month: string | undefined, today: string) => month ?? today.slice(0, 7)

/** A percentage to one decimal, or null when there is nothing to count. */
export const rate = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 1000) / 10

/** What the board counts of a visit. */
export interface BoardVisit {
  officerId: string
  unitId: string
  petitionerId: string
  status: 'planned' | 'completed' | 'cancelled'
  dueDate: string
  completedAt?: string
  completedOnTime?: boolean
  outcome?: unknown
  unreached: readonly { at: string }[]
}

/** What the board counts of a ledger entry. */
export interface BoardLedgerEntry {
  kind: string
  officerId: string
  unitId: string
  recordedAt: string
}

export interface OfficerFigures {
  officerId: string
  unitId: string
  due: number
  completed: number
  onTime: number
  overdueOpen: number
  reached: number
  attempts: number
  satisfied: number
  accountability: number
}

const inMonth = (instant: string, month: string) => businessDateOf(new Date(instant)).startsWith(month)

/**
 * The month's figures per officer, by unit then officer: visits due in the month, open visits overdue today, attempts
 * and outcomes recorded in the month, and the overdue records of the month. An officer is listed under the unit of
 * the first visit (or entry) of theirs counted. Cancelled visits count for nothing.
 */
export const figuresByOfficer = (
  visits: readonly BoardVisit[],
  ledger: readonly BoardLedgerEntry[],
  month: string,
  today: string,
) => {
  const figures = new Map<string, OfficerFigures>()
  const of = (officerId: string, unitId: string) => {
    let f = figures.get(officerId)
    if (!f) {
      f = {
        officerId,
        unitId,
        due: 0,
        completed: 0,
        onTime: 0,
        overdueOpen: 0,
        reached: 0,
        attempts: 0,
        satisfied: 0,
        accountability: 0,
      }
      figures.set(officerId, f)
    }
    return f
  }
  const highRisk = new Set<string>()
  for (const v of visits) {
    if (v.status === 'cancelled') continue
    const f = of(v.officerId, v.unitId)
    if (v.status === 'planned' && v.dueDate < today) f.overdueOpen++
    if (v.dueDate.startsWith(month)) f.due++
    if (v.completedAt && inMonth(v.completedAt, month)) {
      f.completed++
      if (v.completedOnTime) f.onTime++
      const outcome = v.outcome as Outcome | undefined
      f.reached++
      f.attempts++
      if (outcome?.satisfaction === 'satisfied' || outcome?.satisfaction === 'basically-satisfied')
        f.satisfied++
      if (outcome?.repeatPetitionRisk === 'high') highRisk.add(v.petitionerId)
    }
    f.attempts += v.unreached.filter((a) => inMonth(a.at, month)).length
  }
  for (const entry of ledger) {
    if (entry.kind === 'overdue' && inMonth(entry.recordedAt, month))
      of(entry.officerId, entry.unitId).accountability++
  }
  return {
    figures: [...figures.values()].sort(
      (a, b) => a.unitId.localeCompare(b.unitId) || a.officerId.localeCompare(b.officerId),
    ),
    highRisk: [...highRisk].sort(),
  }
}

type Count = keyof Omit<OfficerFigures, 'officerId' | 'unitId'>

/** The board's summary of the officers' figures: who and which units have visits overdue, and the region's rates. */
export const boardSummary = (figures: readonly OfficerFigures[]) => {
  const sum = (key: Count) => figures.reduce((n, f) => n + f[key], 0)
  const overdueByUnit: Record<string, number> = {}
  for (const f of figures) overdueByUnit[f.unitId] = (overdueByUnit[f.unitId] ?? 0) + f.overdueOpen
  return {
    overdueByOfficer: Object.fromEntries(
      figures.filter((f) => f.overdueOpen > 0).map((f) => [f.officerId, f.overdueOpen]),
    ),
    overdueByUnit: Object.fromEntries(Object.entries(overdueByUnit).filter(([, n]) => n > 0)),
    onTimeCompletionRate: rate(sum('onTime'), sum('completed')),
    reachRate: rate(sum('reached'), sum('attempts')),
    satisfactionRate: rate(sum('satisfied'), sum('reached')),
  }
}
