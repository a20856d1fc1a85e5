// The calendar's access patterns: the years loaded, the visits provisional until a year is, and the warnings
// administrators must act on. Keys and transactions stay here; the actions see none of them.

import type { FormattedItem } from 'dynamodb-toolbox/entity'
import { DeleteItemCommand } from 'dynamodb-toolbox/entity/actions/delete'
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import { ConditionCheck } from 'dynamodb-toolbox/entity/actions/transactCheck'
import { DeleteTransaction } from 'dynamodb-toolbox/entity/actions/transactDelete'
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut'
import {
  type ExecuteTransactWriteInput,
  execute as executeTransactWrite,
} from 'dynamodb-toolbox/entity/actions/transactWrite'
import { QueryCommand } from 'dynamodb-toolbox/table/actions/query'
import { type AuditInput, auditTransaction, isConditionRefusal, writeUnlessDone } from '../platform/audit.ts'
import type { Store } from '../platform/table/store.ts'
import type { CalendarYearInput } from './rules/calendar-year.ts'
import type { YearArrangement } from './rules/working-calendar.ts'

/** One write of a transaction, built by a store; only stores look inside it. */
export type WriteItem = ExecuteTransactWriteInput[number]

/** Writes the items in one transaction (all or none). */
export const executeWrites = (items: readonly WriteItem[]) =>
  executeTransactWrite(...(items as Parameters<typeof executeTransactWrite>))

// Loaded years

export type LoadedYear = CalendarYearInput & { loadedAt: string; loadedBy: string }

/** Every year an administrator loaded, read consistently (a load recomputes with what it just wrote). */
export const loadedYears = async (store: Store): Promise<Record<string, YearArrangement>> => {
  const { Items = [] } = await store.table
    .build(QueryCommand)
    .entities(store.CalendarYear)
    .query({ partition: 'CALENDAR' })
    .options({ consistent: true })
    .send()
  return Object.fromEntries(Items.map((y) => [y.year, { source: y.source, off: y.off, work: y.work }]))
}

export const loadedYear = async (store: Store, year: string) =>
  (await store.CalendarYear.build(GetItemCommand).key({ year }).send()).Item

/** A year loaded (or replaced) with its audit entry, in one transaction. */
export const saveLoadedYear = (store: Store, year: LoadedYear, audit: AuditInput) =>
  executeWrites([store.CalendarYear.build(PutTransaction).item(year), auditTransaction(store, audit)])

// Provisional visits

/** The visits marked provisional under a year not loaded when their dates were counted (at most `limit`). */
export const provisionalVisitsOfYear = async (
  store: Store,
  year: string,
  limit?: number,
): Promise<string[]> => {
  const { Items = [] } = await store.table
    .build(QueryCommand)
    .entities(store.ProvisionalMark)
    .query({ partition: `PROVISIONAL#${year}` })
    .options(limit ? { limit } : { maxPages: Number.POSITIVE_INFINITY })
    .send()
  return Items.map((mark) => mark.visitId)
}

/**
 * The marks of a provisional visit, one per year not loaded that its dates depend on: put them in the transaction
 * that writes the visit (`datedVisit(...).unloadedYears`).
 */
export const provisionalMarks = (store: Store, visitId: string, years: readonly string[]) =>
  years.map((year) => store.ProvisionalMark.build(PutTransaction).item({ year, visitId }))

/** Takes a visit's mark under a year off (it is recomputed, or no longer provisional). */
export const dropProvisionalMark = (store: Store, year: string, visitId: string) =>
  store.ProvisionalMark.build(DeleteTransaction).key({ year, visitId })

// Administrators' warnings

export type Warning = FormattedItem<Store['AdminWarning']>
export interface NewWarning {
  key: string
  kind: string
  message: string
  raisedAt: string
  regionCode?: string
  national?: boolean
}

export const allWarnings = async (store: Store): Promise<Warning[]> => {
  const { Items = [] } = await store.table
    .build(QueryCommand)
    .entities(store.AdminWarning)
    .query({ partition: 'WARNING' })
    .options({ maxPages: Number.POSITIVE_INFINITY })
    .send()
  return Items
}

/** A warning put next to the change that raises it, in the same transaction (a timer given up). */
export const raiseWarningWrite = (store: Store, warning: NewWarning) =>
  store.AdminWarning.build(PutTransaction).item(warning)

/** The one warning of a missing year: its key. */
const yearWarningKey = (year: string) => `calendar-${year}`

export const raisedYearMissingWarning = async (store: Store, year: string) =>
  (
    await store.AdminWarning.build(GetItemCommand)
      .key({ key: yearWarningKey(year) })
      .send()
  ).Item

/**
 * Raises the warning of a year not loaded, only while the year is still not loaded (checked in the same
 * transaction) and only once. False when it was loaded meanwhile, or warned already.
 */
export const raiseYearMissingWarning = async (
  store: Store,
  year: string,
  warning: Omit<NewWarning, 'key'>,
): Promise<boolean> => {
  try {
    await executeTransactWrite(
      store.CalendarYear.build(ConditionCheck).key({ year }).condition({ attr: 'year', exists: false }),
      store.AdminWarning.build(PutTransaction)
        .item({ key: yearWarningKey(year), ...warning })
        .options({ condition: { attr: 'key', exists: false } }),
    )
    return true
  } catch (error) {
    if (isConditionRefusal(error)) return false
    throw error
  }
}

/** Clears the warning of a year now loaded. */
export const clearYearMissingWarning = async (store: Store, year: string) => {
  await store.AdminWarning.build(DeleteItemCommand)
    .key({ key: yearWarningKey(year) })
    .send()
}

/** Clears the warning of a year now loaded if there is one (a conditional delete: no write when there is none). */
export const clearYearMissingWarningIfAny = (store: Store, year: string) =>
  writeUnlessDone(
    store.AdminWarning.build(DeleteItemCommand)
      .key({ key: yearWarningKey(year) })
      .options({ condition: { attr: 'key', exists: true } })
      .send(),
  )
