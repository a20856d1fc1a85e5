// What officers and supervisors read: an officer's worklist, a region's board, the accountability ledger and the
// monthly summary as CSV.
import {
  BatchGetCommand,
  BatchGetRequest,
  executeBatchGet,
  GetItemCommand,
  QueryCommand,
} from 'dynamodb-toolbox'
import * as z from 'zod'
import { requireInScopeOrNotFound } from '../access/rules/object-scope.ts'
import { regionIndexKeys, significantPrefix } from '../access/rules/region-scope.ts'
import { type Actor, requireRegion } from '../access/rules/roles.ts'
import { addDays, businessDateOf } from '../calendar/rules/business-time.ts'
import { toCsv } from '../platform/csv.ts'
import { openCursor, sealCursor } from '../platform/cursor.ts'
import type { AppDeps } from '../platform/deps.ts'
import { ForbiddenError } from '../platform/errors.ts'
import type { Outcome } from './rules/outcome.ts'

export const worklistQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2000).optional(),
})

/** A month of the office's reports: `YYYY-MM`, 2000 to 2100 (no office reports on year 0 or year 9999). */
export const monthSchema = z
  .string()
  .regex(/^(20\d\d|2100)-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM of the years 2000 to 2100')
export const monthQuery = z.object({ month: monthSchema.optional() })

/** The purpose of the MAC key that seals page cursors (a key of its own, derived like the blind indexes' keys). */
const CURSOR_MAC_PURPOSE = 'page-cursor'
const cursorMac = (deps: AppDeps) => (message: string) => deps.crypto.blindIndex(message, CURSOR_MAC_PURPOSE)

/** One officer's worklist: a cursor given out for it resumes it and no other. */
const worklistListing = (officerId: string) => `worklist/${officerId}`
/** The resume key of the gsi1 query below: a visit of this officer's open visits, and nothing else. */
const worklistKeySchema = (officerId: string) =>
  z.strictObject({
    pk: z.string().regex(/^VISIT#[^#]+$/),
    sk: z.literal('VISIT'),
    gsi1pk: z.literal(`OFFICER#${officerId}#VISITS`),
    gsi1sk: z.string().regex(/^[^#]+#[^#]+$/),
  })

type Category = 'overdue' | 'due-today' | 'this-week' | 'later'
const categoryOf = (dueDate: string, today: string): Category => {
  if (dueDate < today) return 'overdue'
  if (dueDate === today) return 'due-today'
  return dueDate <= addDays(today, 6) ? 'this-week' : 'later'
}

/** An officer's open visits, due first, in pages that keep their order while visits are added or done. */
export const worklist = async (
  deps: AppDeps,
  actor: Actor,
  officerId: string,
  query: z.infer<typeof worklistQuery>,
) => {
  const { store, clock } = deps
  // Refused before the officer is looked up: the 403 says nothing of whether that officer exists, or where.
  if (actor.role === 'officer' && actor.id !== officerId)
    throw new ForbiddenError('an officer sees only their own worklist')
  requireInScopeOrNotFound(
    actor,
    (await store.Officer.build(GetItemCommand).key({ officerId }).send()).Item,
    `officer ${officerId}`,
  )
  // Checked after the scope: a caller who may not see this worklist learns nothing from a cursor's answer.
  const mac = cursorMac(deps)
  const startKey = openCursor(mac, worklistListing(officerId), query.cursor, worklistKeySchema(officerId))
  const { Items = [], LastEvaluatedKey } = await store.table
    .build(QueryCommand)
    .entities(store.Visit)
    .query({ index: 'gsi1', partition: `OFFICER#${officerId}#VISITS` })
    .options({
      limit: query.limit,
      exclusiveStartKey: startKey,
      filters: { Visit: { attr: 'status', eq: 'planned' } },
    })
    .send()
  const today = businessDateOf(clock.now())
  return {
    officerId,
    today,
    visits: Items.map((v) => ({
      visitId: v.visitId,
      matterId: v.matterId,
      petitionerId: v.petitionerId,
      sequence: v.sequence,
      kind: v.kind,
      dueDate: v.dueDate,
      provisional: v.provisional,
      appointmentAt: v.appointmentAt,
      category: categoryOf(v.dueDate, today),
    })),
    nextCursor: sealCursor(mac, worklistListing(officerId), LastEvaluatedKey),
  }
}

const monthOf = (deps: AppDeps, month: string | undefined) =>
  month ?? businessDateOf(deps.clock.now()).slice(0, 7)

const regionItems = async <E extends 'Visit' | 'Flag' | 'LedgerEntry'>(
  deps: AppDeps,
  entity: E,
  suffix: string,
  regionCode: string,
) => {
  const { store } = deps
  const { partition } = regionIndexKeys(regionCode)
  const { Items = [] } = await store.table
    .build(QueryCommand)
    .entities(store[entity])
    .query({
      index: 'gsi3',
      partition: `${partition}#${suffix}`,
      range: { beginsWith: significantPrefix(regionCode) },
    })
    .options({ maxPages: Number.POSITIVE_INFINITY })
    .send()
  return Items
}

const regionVisits = (deps: AppDeps, regionCode: string) => regionItems(deps, 'Visit', 'VISITS', regionCode)

const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10)

interface OfficerFigures {
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

/** The month's figures per officer: visits due in the month, and attempts and outcomes recorded in it. */
const figuresByOfficer = async (deps: AppDeps, regionCode: string, month: string) => {
  const today = businessDateOf(deps.clock.now())
  const [visits, ledger] = await Promise.all([
    regionVisits(deps, regionCode),
    regionItems(deps, 'LedgerEntry', 'LEDGER', regionCode),
  ])
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
    const completedIn = v.completedAt && businessDateOf(new Date(v.completedAt)).startsWith(month)
    if (completedIn) {
      f.completed++
      if (v.completedOnTime) f.onTime++
      const outcome = v.outcome as Outcome | undefined
      f.reached++
      f.attempts++
      if (outcome?.satisfaction === 'satisfied' || outcome?.satisfaction === 'basically-satisfied')
        f.satisfied++
      if (outcome?.repeatPetitionRisk === 'high') highRisk.add(v.petitionerId)
    }
    f.attempts += v.unreached.filter((a) => businessDateOf(new Date(a.at)).startsWith(month)).length
  }
  for (const entry of ledger) {
    if (entry.kind === 'overdue' && businessDateOf(new Date(entry.recordedAt)).startsWith(month))
      of(entry.officerId, entry.unitId).accountability++
  }
  return {
    figures: [...figures.values()].sort(
      (a, b) => a.unitId.localeCompare(b.unitId) || a.officerId.localeCompare(b.officerId),
    ),
    highRisk,
    visits,
  }
}

export const regionBoard = async (
  deps: AppDeps,
  actor: Actor,
  regionCode: string,
  query: z.infer<typeof monthQuery>,
) => {
  requireRegion(actor, regionCode)
  const month = monthOf(deps, query.month)
  const { figures, highRisk } = await figuresByOfficer(deps, regionCode, month)
  const flags = (await regionItems(deps, 'Flag', 'FLAGS', regionCode)).filter((f) =>
    businessDateOf(new Date(f.raisedAt)).startsWith(month),
  )
  const sum = (key: keyof Omit<OfficerFigures, 'officerId' | 'unitId'>) =>
    figures.reduce((n, f) => n + f[key], 0)
  const overdueByUnit: Record<string, number> = {}
  for (const f of figures) overdueByUnit[f.unitId] = (overdueByUnit[f.unitId] ?? 0) + f.overdueOpen
  return {
    regionCode,
    month,
    overdueByOfficer: Object.fromEntries(
      figures.filter((f) => f.overdueOpen > 0).map((f) => [f.officerId, f.overdueOpen]),
    ),
    overdueByUnit: Object.fromEntries(Object.entries(overdueByUnit).filter(([, n]) => n > 0)),
    onTimeCompletionRate: rate(sum('onTime'), sum('completed')),
    reachRate: rate(sum('reached'), sum('attempts')),
    satisfactionRate: rate(sum('satisfied'), sum('reached')),
    highRiskPetitioners: [...highRisk].sort(),
    flags: flags.map((f) => ({
      kind: f.kind,
      visitId: f.visitId,
      officerId: f.officerId,
      raisedAt: f.raisedAt,
    })),
    officers: figures,
  }
}

export const accountabilityLedger = async (
  deps: AppDeps,
  actor: Actor,
  regionCode: string,
  query: z.infer<typeof monthQuery>,
) => {
  requireRegion(actor, regionCode)
  const month = monthOf(deps, query.month)
  const entries = (await regionItems(deps, 'LedgerEntry', 'LEDGER', regionCode)).filter((e) =>
    businessDateOf(new Date(e.recordedAt)).startsWith(month),
  )
  return { regionCode, month, entries: entries.sort((a, b) => a.recordedAt.localeCompare(b.recordedAt)) }
}

/** The monthly summary a supervisor reports, one row per officer, as CSV. */
export const monthlySummaryCsv = async (
  deps: AppDeps,
  actor: Actor,
  regionCode: string,
  query: z.infer<typeof monthQuery>,
) => {
  const { store } = deps
  requireRegion(actor, regionCode)
  const month = monthOf(deps, query.month)
  const { figures } = await figuresByOfficer(deps, regionCode, month)
  const names = new Map<string, string>()
  const officerIds = [...new Set(figures.map((f) => f.officerId))]
  const unitIds = [...new Set(figures.map((f) => f.unitId))]
  for (let i = 0; i < Math.max(officerIds.length, unitIds.length); i += 50) {
    const requests = [
      ...officerIds
        .slice(i, i + 50)
        .map((officerId) => store.Officer.build(BatchGetRequest).key({ officerId })),
    ]
    const unitRequests = unitIds
      .slice(i, i + 50)
      .map((unitId) => store.Unit.build(BatchGetRequest).key({ unitId }))
    if (requests.length > 0) {
      const { Responses } = await executeBatchGet(store.table.build(BatchGetCommand).requests(...requests))
      for (const o of Responses?.[0] ?? []) if (o) names.set(`officer:${o.officerId}`, o.name)
    }
    if (unitRequests.length > 0) {
      const { Responses } = await executeBatchGet(
        store.table.build(BatchGetCommand).requests(...unitRequests),
      )
      for (const u of Responses?.[0] ?? []) if (u) names.set(`unit:${u.unitId}`, u.name)
    }
  }
  const percent = (value: number | null) => (value === null ? '' : `${value}%`)
  const csv = toCsv(
    [
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
    ],
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
