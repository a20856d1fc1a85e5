// The accountability ledger's entities.
import { Entity } from 'dynamodb-toolbox/entity'
import { item } from 'dynamodb-toolbox/schema/item'
import { string } from 'dynamodb-toolbox/schema/string'
import { businessDateOf } from '../calendar/rules/business-time.ts'
import { regionBoardKeys } from '../platform/table/board-index.ts'
import { type AftercareTable, timestamps } from '../platform/table/table.ts'

/** An entry's place in the board index (gsi4): the month (Asia/Shanghai) it was recorded in. */
export const ledgerBoardKeys = (e: { regionCode: string; recordedAt: string; entryId: string }) =>
  regionBoardKeys('LEDGER', {
    regionCode: e.regionCode,
    month: businessDateOf(new Date(e.recordedAt)).slice(0, 7),
    at: e.recordedAt,
    id: e.entryId,
  })

export const accountabilityEntities = (table: AftercareTable) => {
  /** The accountability ledger: append-only entries per officer and unit (overdue, completed late, …). */
  const LedgerEntry = new Entity({
    name: 'LedgerEntry',
    table,
    timestamps,
    schema: item({
      entryId: string().key(),
      kind: string().enum('overdue', 'completed-late', 'moved-while-overdue'),
      visitId: string(),
      matterId: string(),
      officerId: string(),
      unitId: string(),
      regionCode: string(),
      dueDate: string(),
      recordedAt: string(),
      detail: string(),
    }).and((s) => ({
      gsi4pk: string()
        .hidden()
        .link<typeof s>((e) => ledgerBoardKeys(e).partition),
      gsi4sk: string()
        .hidden()
        .link<typeof s>((e) => ledgerBoardKeys(e).sort),
    })),
    computeKey: ({ entryId }) => ({ pk: `LEDGER#${entryId}`, sk: 'LEDGER' }),
  })

  return { LedgerEntry }
}
