// The accountability ledger's entities.
import { Entity, item, string } from 'dynamodb-toolbox'
import { regionIndexKeys } from '../access/rules/region-scope.ts'
import { type AftercareTable, timestamps } from '../platform/table/table.ts'

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
      gsi3pk: string()
        .hidden()
        .link<typeof s>(({ regionCode }) => `${regionIndexKeys(regionCode).partition}#LEDGER`),
      gsi3sk: string()
        .hidden()
        .link<typeof s>(
          ({ regionCode, recordedAt, entryId }) =>
            `${regionIndexKeys(regionCode).sortPrefix}#${recordedAt}#${entryId}`,
        ),
    })),
    computeKey: ({ entryId }) => ({ pk: `LEDGER#${entryId}`, sk: 'LEDGER' }),
  })

  return { LedgerEntry }
}
