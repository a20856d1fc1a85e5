// The accountability ledger's entries as other contexts write them: append-only, one per event, each written in
// the transaction of the change that causes it. Their ids make a second write of the same event a refusal. And its
// named reads: a region's entries of a month, whole (for the board's counts) or a page at a time (for the ledger).
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut'
import { QueryCommand } from 'dynamodb-toolbox/table/actions/query'
import { significantPrefix } from '../access/rules/region-scope.ts'
import {
  idOfBoardSortKey,
  queryUpTo,
  readShardPage,
  readShards,
  regionBoardPartitions,
  type ShardMark,
  shardMarksKey,
} from '../platform/table/board-index.ts'
import type { Store } from '../platform/table/store.ts'

/** What an entry is about: a visit, its officer and unit, and the due date it was held to. */
export interface LedgerSubject {
  visitId: string
  matterId: string
  officerId: string
  unitId: string
  regionCode: string
  dueDate: string
}

export const overdueEntryId = (visitId: string, dueDate: string) => `overdue-${visitId}-${dueDate}`
export const completedLateEntryId = (visitId: string) => `late-${visitId}`
export const movedWhileOverdueEntryId = (visitId: string, dueDate: string) => `moved-${visitId}-${dueDate}`

const entryOf = (subject: LedgerSubject) => ({
  visitId: subject.visitId,
  matterId: subject.matterId,
  officerId: subject.officerId,
  unitId: subject.unitId,
  regionCode: subject.regionCode,
  dueDate: subject.dueDate,
})

/** The record made five working days after a visit's due day, if one was made for that due day. */
export const overdueEntryOf = async (store: Store, visitId: string, dueDate: string) =>
  (
    await store.LedgerEntry.build(GetItemCommand)
      .key({ entryId: overdueEntryId(visitId, dueDate) })
      .send()
  ).Item

/** Five working days late: one record for the officer and the unit; a second firing is refused (already there). */
export const overdueEntry = (store: Store, visit: LedgerSubject, at: Date) =>
  store.LedgerEntry.build(PutTransaction)
    .item({
      entryId: overdueEntryId(visit.visitId, visit.dueDate),
      kind: 'overdue',
      ...entryOf(visit),
      recordedAt: at.toISOString(),
      detail: `not done five working days after ${visit.dueDate}`,
    })
    .options({ condition: { attr: 'entryId', exists: false } })

/** Completing late closes the ladder; the overdue record stays, and this one says when the visit was done. */
export const completedLateEntry = (
  store: Store,
  overdue: NonNullable<Awaited<ReturnType<typeof overdueEntryOf>>>,
  at: Date,
  completedOn: string,
) =>
  store.LedgerEntry.build(PutTransaction).item({
    ...overdue,
    entryId: completedLateEntryId(overdue.visitId),
    kind: 'completed-late',
    recordedAt: at.toISOString(),
    detail: `completed on ${completedOn}, due ${overdue.dueDate}`,
  })

/** An overdue visit moved by a supervisor: on the record, so that a move cannot quietly reset its ladder. */
export const movedWhileOverdueEntry = (store: Store, visit: LedgerSubject, at: Date, detail: string) =>
  store.LedgerEntry.build(PutTransaction).item({
    entryId: movedWhileOverdueEntryId(visit.visitId, visit.dueDate),
    kind: 'moved-while-overdue',
    ...entryOf(visit),
    recordedAt: at.toISOString(),
    detail,
  })

/** The entries of a region (and the regions under it) recorded in a month (Asia/Shanghai), oldest first. */
export const ledgerOfMonth = async (store: Store, regionCode: string, month: string) => {
  const entries = await readShards(regionBoardPartitions('LEDGER', regionCode, month), async (partition) => {
    const { Items = [] } = await store.table
      .build(QueryCommand)
      .entities(store.LedgerEntry)
      .query({ index: 'gsi4', partition, range: { beginsWith: significantPrefix(regionCode) } })
      .options({ maxPages: Number.POSITIVE_INFINITY })
      .send()
    return Items
  })
  // In the region index's order first (region code, recorded at, id), so that entries of the same instant keep it.
  return entries
    .sort((a, b) => (placeOfEntry(a) < placeOfEntry(b) ? -1 : placeOfEntry(a) > placeOfEntry(b) ? 1 : 0))
    .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt))
}

export type LedgerEntry = Awaited<ReturnType<typeof ledgerOfMonth>>[number]

/** An entry's place in the board index: its 12-digit region code, the instant it was recorded, its id. */
const placeOfEntry = (e: { regionCode: string; recordedAt: string; entryId: string }) =>
  `${e.regionCode.padEnd(12, '0')}#${e.recordedAt}#${e.entryId}`

/** The next `limit` entries (at most) of a region in one shard of a month, after the sort key `after`. */
const entriesOfShard = async (
  store: Store,
  partition: string,
  regionCode: string,
  after: string | undefined,
  limit: number,
) => {
  const query = store.table
    .build(QueryCommand)
    .entities(store.LedgerEntry)
    .query({ index: 'gsi4', partition, range: { beginsWith: significantPrefix(regionCode) } })
  const startKey = after
    ? { pk: `LEDGER#${idOfBoardSortKey(after)}`, sk: 'LEDGER', gsi4pk: partition, gsi4sk: after }
    : undefined
  return queryUpTo((options) => query.options(options).send(), limit, startKey)
}

/** What a cursor of a region's ledger may hold: where each shard of the month stands, inside the region's range. */
export const ledgerResumeKey = (regionCode: string) => shardMarksKey(significantPrefix(regionCode))

/**
 * One page of the entries of a region (and the regions under it) recorded in a month: at most `limit`, read from
 * each shard from where `marks` left it, in the region index's order (region code, recorded at, id). Answers the
 * marks to resume from while more remain.
 */
export const ledgerPageOfMonth = async (
  store: Store,
  regionCode: string,
  month: string,
  page: { limit: number; marks?: readonly ShardMark[] },
) => {
  const { items, marks } = await readShardPage(
    regionBoardPartitions('LEDGER', regionCode, month),
    page.marks,
    page.limit,
    (partition, after, limit) => entriesOfShard(store, partition, regionCode, after, limit),
    placeOfEntry,
  )
  return { entries: items, marks }
}
