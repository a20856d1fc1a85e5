// The entities of the due-work engine: timers and the sweep's watermark. Their access patterns are in store.ts.
import { Entity } from 'dynamodb-toolbox/entity'
import { item } from 'dynamodb-toolbox/schema/item'
import { number } from 'dynamodb-toolbox/schema/number'
import { string } from 'dynamodb-toolbox/schema/string'
import { type AftercareTable, timestamps } from '../platform/table/table.ts'

export const schedulingEntities = (table: AftercareTable) => {
  const Timer = new Entity({
    name: 'Timer',
    table,
    timestamps,
    schema: item({
      timerId: string().key(),
      kind: string(),
      subjectId: string(),
      dueAt: string(),
      status: string().enum('pending', 'enqueued', 'fired', 'void', 'failed'),
      enqueuedAt: string().optional(),
      /** Times sent to the timers queue; at MAX_TIMER_SENDS without being acted on it is `failed`. */
      attempts: number().optional(),
      firedAt: string().optional(),
      /** Present only while the timer is still to fire: keeps the due index sparse. */
      gsi2pk: string().optional(),
      gsi2sk: string().optional(),
    }),
    computeKey: ({ timerId }) => ({ pk: `TIMER#${timerId}`, sk: 'TIMER' }),
  })

  /** How far the sweeper has read the due buckets. */
  const SweepWatermark = new Entity({
    name: 'SweepWatermark',
    table,
    timestamps,
    schema: item({ name: string().key(), sweptThrough: string(), updatedAt: string() }),
    computeKey: ({ name }) => ({ pk: `SWEEP#${name}`, sk: 'WATERMARK' }),
  })

  return { Timer, SweepWatermark }
}
