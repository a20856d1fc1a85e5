// The single table's entity registry: every context's entities on one dynamodb-toolbox table. Each context declares
// its own entities (and keys) in its folder; this only puts them together for the deps.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { accountabilityEntities } from '../../accountability/entities.ts'
import { calendarEntities } from '../../calendar/entities.ts'
import { directoryEntities } from '../../directory/entities.ts'
import { matterEntities } from '../../matters/entities.ts'
import { notificationEntities } from '../../notifications/entities.ts'
import { schedulingEntities } from '../../scheduling/entities.ts'
import { screeningEntities } from '../../screening/entities.ts'
import { visitEntities } from '../../visits/entities.ts'
import { recordEntities } from './records.ts'
import { aftercareTable } from './table.ts'

export const createStore = (documentClient: DynamoDBDocumentClient, tableName: string) => {
  const table = aftercareTable(documentClient, tableName)
  return {
    table,
    ...recordEntities(table),
    ...directoryEntities(table),
    ...matterEntities(table),
    ...visitEntities(table),
    ...accountabilityEntities(table),
    ...screeningEntities(table),
    ...notificationEntities(table),
    ...schedulingEntities(table),
    ...calendarEntities(table),
  }
}

export type Store = ReturnType<typeof createStore>
