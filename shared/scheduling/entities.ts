// The entities of the due-work engine and the office calendar: timers and the sweep's watermark, loaded years and
// the visits provisional until theirs is, administrators' warnings.
import { boolean, Entity, item, list, number, string } from 'dynamodb-toolbox'
import { type AftercareTable, timestamps } from '../platform/table/table.ts'

export const schedulingEntities = (table: AftercareTable) => {
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

  return { CalendarYear, ProvisionalMark, AdminWarning, Timer, SweepWatermark }
}
