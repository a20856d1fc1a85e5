// The entities of the office calendar: loaded years, the visits provisional until theirs is, and administrators'
// warnings. Their access patterns are in store.ts.

import { Entity } from 'dynamodb-toolbox/entity'
import { boolean } from 'dynamodb-toolbox/schema/boolean'
import { item } from 'dynamodb-toolbox/schema/item'
import { list } from 'dynamodb-toolbox/schema/list'
import { string } from 'dynamodb-toolbox/schema/string'
import { type AftercareTable, timestamps } from '../platform/table/table.ts'

export const calendarEntities = (table: AftercareTable) => {
  /** A year's holiday arrangement loaded by an administrator (the shipped years are data in the code). */
  const CalendarYear = new Entity({
    name: 'CalendarYear',
    table,
    timestamps,
    schema: item({
      year: string().key(),
      source: string(),
      off: list(string()),
      work: list(string()),
      loadedAt: string(),
      loadedBy: string(),
    }),
    computeKey: ({ year }) => ({ pk: 'CALENDAR', sk: `YEAR#${year}` }),
  })

  /** A visit whose date was counted on weekends only, in a year not yet loaded: recomputed when it is. */
  const ProvisionalMark = new Entity({
    name: 'ProvisionalMark',
    table,
    timestamps,
    schema: item({ year: string().key(), visitId: string().key() }),
    computeKey: ({ year, visitId }) => ({ pk: `PROVISIONAL#${year}`, sk: `VISIT#${visitId}` }),
  })

  /** Something an administrator must act on, such as a holiday arrangement to load. */
  const AdminWarning = new Entity({
    name: 'AdminWarning',
    table,
    timestamps,
    schema: item({
      key: string().key(),
      kind: string(),
      message: string(),
      raisedAt: string(),
      /** The region it is about: shown to those whose scope covers it (see listWarnings). */
      regionCode: string().optional(),
      /** About every region (a holiday arrangement to load): shown to every administrator and supervisor. */
      national: boolean().optional(),
    }),
    computeKey: ({ key }) => ({ pk: 'WARNING', sk: key }),
  })

  return { CalendarYear, ProvisionalMark, AdminWarning }
}
