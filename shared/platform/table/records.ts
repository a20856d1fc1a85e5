// The entities every context writes with its changes: the audit trail and the transactional outbox.

import { Entity } from 'dynamodb-toolbox/entity'
import { any } from 'dynamodb-toolbox/schema/any'
import { item } from 'dynamodb-toolbox/schema/item'
import { number } from 'dynamodb-toolbox/schema/number'
import { string } from 'dynamodb-toolbox/schema/string'
import { type AftercareTable, timestamps } from './table.ts'

export const recordEntities = (table: AftercareTable) => {
  /** The audit trail: who, what, when, before and after, one item per change, grouped by what changed. */
  const Audit = new Entity({
    name: 'Audit',
    table,
    timestamps,
    schema: item({
      subject: string().key(),
      auditId: string().key(),
      at: string(),
      actor: string(),
      action: string(),
      regionCode: string(),
      before: any().optional(),
      after: any().optional(),
    }),
    computeKey: ({ subject, auditId }) => ({ pk: `AUDIT#${subject}`, sk: `AUDIT#${auditId}` }),
  })

  /** Transactional outbox: written with the change it announces; the table's stream publishes it. */
  const Outbox = new Entity({
    name: 'Outbox',
    table,
    timestamps,
    schema: item({
      eventId: string().key(),
      type: string(),
      regionCode: string(),
      occurredAt: string(),
      payload: any(),
      expiresAt: number(),
    }),
    computeKey: ({ eventId }) => ({ pk: `OUTBOX#${eventId}`, sk: 'OUTBOX' }),
  })

  return { Audit, Outbox }
}
