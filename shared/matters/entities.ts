// The entities of petition matters: the matter and the events recorded on it.
import { Entity } from 'dynamodb-toolbox/entity'
import { item } from 'dynamodb-toolbox/schema/item'
import { number } from 'dynamodb-toolbox/schema/number'
import { string } from 'dynamodb-toolbox/schema/string'
import { type AftercareTable, timestamps } from '../platform/table/table.ts'

export const matterEntities = (table: AftercareTable) => {
  const Matter = new Entity({
    name: 'Matter',
    table,
    timestamps,
    schema: item({
      matterId: string().key(),
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
    computeKey: ({ matterId }) => ({ pk: `MATTER#${matterId}`, sk: 'MATTER' }),
  })

  const MatterEvent = new Entity({
    name: 'MatterEvent',
    table,
    timestamps,
    schema: item({
      matterId: string().key(),
      eventId: string().key(),
      type: string(),
      occurredAt: string(),
      recordedAt: string(),
      recordedBy: string(),
      note: string().optional(),
    }),
    computeKey: ({ matterId, eventId }) => ({ pk: `MATTER#${matterId}`, sk: `EVENT#${eventId}` }),
  })

  return { Matter, MatterEvent }
}
