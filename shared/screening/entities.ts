// The entities of the annual hardship screening: nominations, so far.
import { Entity } from 'dynamodb-toolbox/entity'
import { item } from 'dynamodb-toolbox/schema/item'
import { string } from 'dynamodb-toolbox/schema/string'
import { type AftercareTable, timestamps } from '../platform/table/table.ts'

export const screeningEntities = (table: AftercareTable) => {
  /** A petitioner put forward for the annual hardship screening, with who saw what. */
  const Nomination = new Entity({
    name: 'Nomination',
    table,
    timestamps,
    schema: item({
      year: string().key(),
      nominationId: string().key(),
      petitionerId: string(),
      regionCode: string(),
      source: string().enum('visit', 'matter', 'manual'),
      sourceId: string(),
      nominatedBy: string(),
      /** The officer's reason, which describes the hardship: encrypted (Crypto port, field `reason`). */
      reasonCipher: string(),
      at: string(),
    }),
    computeKey: ({ year, nominationId }) => ({ pk: `NOMINATIONS#${year}`, sk: nominationId }),
  })

  return { Nomination }
}
