// The entities of petition matters: the matter and the events recorded on it.
import { Entity, item, number, string } from 'dynamodb-toolbox'
import { type AftercareTable, timestamps } from '../platform/table/table.ts'

export const matterEntities = (table: AftercareTable) => {
  const Case = new Entity({
    name: 'Case',
    table,
    timestamps,
    schema: item({
      caseId: string().key(),
      petitionerId: string(),
      regionCode: string(),
      unitId: string(),
      category: string(),
      summary: string(),
      status: string(),
      openedAt: string(),
      updatedAt: string(),
      version: number(),
    }),
    computeKey: ({ caseId }) => ({ pk: `CASE#${caseId}`, sk: 'CASE' }),
  })

  const CaseEvent = new Entity({
    name: 'CaseEvent',
    table,
    timestamps,
    schema: item({
      caseId: string().key(),
      eventId: string().key(),
      type: string(),
      occurredAt: string(),
      recordedAt: string(),
      recordedBy: string(),
      note: string().optional(),
    }),
    computeKey: ({ caseId, eventId }) => ({ pk: `CASE#${caseId}`, sk: `EVENT#${eventId}` }),
  })

  return { Case, CaseEvent }
}
