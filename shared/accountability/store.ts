// The accountability ledger's entries as other contexts write them: append-only, one per event, each written in
// the transaction of the change that causes it. Their ids make a second write of the same event a refusal. And its
// one named read: a region's entries of a month.
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut'
import { QueryCommand } from 'dynamodb-toolbox/table/actions/query'
import { significantPrefix } from '../access/rules/region-scope.ts'
import type { Store } from '../platform/table/store.ts'
import { readShards, regionBoardPartitions } from '../platform/table/table-design.ts'

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
  const place = (e: (typeof entries)[number]) =>
    `${e.regionCode.padEnd(12, '0')}#${e.recordedAt}#${e.entryId}`
  return entries
    .sort((a, b) => (place(a) < place(b) ? -1 : place(a) > place(b) ? 1 : 0))
    .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt))
}

export type LedgerEntry = Awaited<ReturnType<typeof ledgerOfMonth>>[number]
