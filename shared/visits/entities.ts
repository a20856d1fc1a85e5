// The entities of return visits: cadence policies (and every version of them), visits, and the flags a supervisor
// must look at.

import { Entity } from 'dynamodb-toolbox/entity'
import { any } from 'dynamodb-toolbox/schema/any'
import { boolean } from 'dynamodb-toolbox/schema/boolean'
import { item } from 'dynamodb-toolbox/schema/item'
import { list } from 'dynamodb-toolbox/schema/list'
import { map } from 'dynamodb-toolbox/schema/map'
import { number } from 'dynamodb-toolbox/schema/number'
import { set } from 'dynamodb-toolbox/schema/set'
import { string } from 'dynamodb-toolbox/schema/string'
import { businessDateOf } from '../calendar/rules/business-time.ts'
import { regionBoardKeys } from '../platform/table/board-index.ts'
import { type AftercareTable, timestamps } from '../platform/table/table.ts'

/** The officer index (gsi1) partition of an officer's open visits, sorted by due time. */
export const officerVisitsPartition = (officerId: string) => `OFFICER#${officerId}#VISITS`

/**
 * A visit's places in the officer index (gsi1), the board index (gsi4: the month of its
 * due day) and its matter's collection (gsi5). Computed on put; an update that changes the officer or the due time
 * must write them again (links are not recomputed on update).
 */
export const visitIndexKeys = (v: {
  officerId: string
  regionCode: string
  matterId: string
  dueDate: string
  dueAt: string
  visitId: string
}) => {
  const board = regionBoardKeys('VISITS', {
    regionCode: v.regionCode,
    month: v.dueDate.slice(0, 7),
    at: v.dueAt,
    id: v.visitId,
  })
  return {
    gsi1pk: officerVisitsPartition(v.officerId),
    gsi1sk: `${v.dueAt}#${v.visitId}`,
    gsi4pk: board.partition,
    gsi4sk: board.sort,
    gsi5pk: matterVisitsPartition(v.matterId),
    gsi5sk: `${v.dueAt}#${v.visitId}`,
  }
}

/** The matters index (gsi5) partition of a matter's visits, in any state, by due time. */
export const matterVisitsPartition = (matterId: string) => `MATTER#${matterId}#VISITS`

/**
 * Where a visit stands (gsi6, sparse): open, whatever its month; completed, by the month it was completed in;
 * cancelled, nowhere (undefined: the keys are removed).
 */
export const visitStateKeys = (v: {
  status: string
  regionCode: string
  dueAt: string
  visitId: string
  completedAt?: string
}) => {
  const at = { regionCode: v.regionCode, at: v.dueAt, id: v.visitId }
  const keys =
    v.status === 'planned'
      ? regionBoardKeys('OPEN', at)
      : v.status === 'completed' && v.completedAt
        ? regionBoardKeys('DONE', { ...at, month: monthOfInstant(v.completedAt) })
        : undefined
  return keys && { gsi6pk: keys.partition, gsi6sk: keys.sort }
}

/** The month (Asia/Shanghai) of an instant kept as ISO text. */
export const monthOfInstant = (instant: string) => businessDateOf(new Date(instant)).slice(0, 7)

/** A flag's place in the board index (gsi4): the month it was raised in. */
export const flagBoardKeys = (f: { regionCode: string; raisedAt: string; flagId: string }) =>
  regionBoardKeys('FLAGS', {
    regionCode: f.regionCode,
    month: monthOfInstant(f.raisedAt),
    at: f.raisedAt,
    id: f.flagId,
  })

/** A visit done or cancelled leaves its officer's worklist partition, so that a page of open visits is never short. */
export const closedVisitIndexKeys = (v: { officerId: string }) => ({
  gsi1pk: `OFFICER#${v.officerId}#CLOSED`,
})

/** A region's cadence policies and their history share one partition, the history under its own prefix. */
export const cadencePartition = (regionKey: string) => `CADENCE#${regionKey}`
export const CADENCE_HISTORY = 'HISTORY#'

export const visitEntities = (table: AftercareTable) => {
  const CadencePolicy = new Entity({
    name: 'CadencePolicy',
    table,
    timestamps,
    schema: item({
      regionCode: string().key(),
      trigger: string().key(),
      policy: any(),
      version: number(),
      updatedAt: string(),
      updatedBy: string(),
    }),
    computeKey: ({ regionCode, trigger }) => ({ pk: cadencePartition(regionCode), sk: `TRIGGER#${trigger}` }),
  })

  /** Every version of a region's cadence policy, kept: a visit names the version that planned it. */
  const CadencePolicyVersion = new Entity({
    name: 'CadencePolicyVersion',
    table,
    timestamps,
    schema: item({
      regionCode: string().key(),
      trigger: string().key(),
      version: number().key(),
      policy: any(),
      savedAt: string(),
      savedBy: string(),
    }),
    computeKey: ({ regionCode, trigger, version }) => ({
      pk: cadencePartition(regionCode),
      sk: `${CADENCE_HISTORY}${trigger}#${String(version).padStart(6, '0')}`,
    }),
  })

  /** Something a supervisor must look at: a dissatisfied or high-risk outcome, a petitioner not reached, an overdue visit. */
  const Flag = new Entity({
    name: 'Flag',
    table,
    timestamps,
    schema: item({
      flagId: string().key(),
      kind: string().enum('dissatisfied', 'high-risk', 'not-reached', 'overdue', 'moved-while-overdue'),
      visitId: string(),
      matterId: string(),
      petitionerId: string(),
      officerId: string(),
      unitId: string(),
      regionCode: string(),
      raisedAt: string(),
      detail: string(),
    }).and((s) => ({
      gsi4pk: string()
        .hidden()
        .link<typeof s>((f) => flagBoardKeys(f).partition),
      gsi4sk: string()
        .hidden()
        .link<typeof s>((f) => flagBoardKeys(f).sort),
    })),
    computeKey: ({ flagId }) => ({ pk: `FLAG#${flagId}`, sk: 'FLAG' }),
  })

  const Visit = new Entity({
    name: 'Visit',
    table,
    timestamps,
    schema: item({
      visitId: string().key(),
      matterId: string(),
      petitionerId: string(),
      officerId: string(),
      unitId: string(),
      regionCode: string(),
      trigger: string(),
      triggerEventId: string(),
      /** What the due date was counted from, so that it can be counted again when a year's calendar is loaded. */
      triggeredAt: string(),
      offset: any(),
      /** The cadence policy that planned the visit: its region (`default` for the built-in one) and version. */
      policyRegion: string().optional(),
      policyVersion: number().optional(),
      reminderRules: any(),
      reminderCount: number(),
      sequence: number(),
      dueDate: string(),
      dueAt: string(),
      provisional: boolean(),
      status: string().enum('planned', 'completed', 'cancelled'),
      /** A visit of the cadence, or an extra one after a dissatisfied or high-risk outcome. */
      kind: string().enum('scheduled', 'extra').default('scheduled'),
      plannedAt: string(),
      completedAt: string().optional(),
      completedOnTime: boolean().optional(),
      /** The outcome form without its free notes and hardship reason, which are in `outcomeCipher`. */
      outcome: any().optional(),
      /** `{ notes, hardship }` of the outcome, encrypted (Crypto port, field `outcome`): personal data. */
      outcomeCipher: string().optional(),
      /** Attempts that did not reach the petitioner, with their reasons. */
      unreached: list(
        map({
          at: string(),
          method: string(),
          reason: string(),
          by: string(),
          /** The client's idempotency key of the form, when it sent one: the same attempt is kept once. */
          submissionId: string().optional(),
          /** `{ notes, hardship }` of the attempt, encrypted (field `unreached-<n>`): personal data. */
          privateCipher: string().optional(),
        }),
      ).default([]),
      appointmentAt: string().optional(),
      /** The SMS sent about it (reminders, the appointment, the petitioner told of it): their notification ids. */
      sms: set(string()).optional(),
      /** The petitioner's SMS of the appointment now set: a retried call queues this one again, not a new one. */
      appointmentNotificationId: string().optional(),
      cancelReason: string().optional(),
      version: number(),
    }).and((s) => ({
      gsi1pk: string()
        .hidden()
        .link<typeof s>((v) => visitIndexKeys(v).gsi1pk),
      gsi1sk: string()
        .hidden()
        .link<typeof s>((v) => visitIndexKeys(v).gsi1sk),
      gsi4pk: string()
        .hidden()
        .link<typeof s>((v) => visitIndexKeys(v).gsi4pk),
      gsi4sk: string()
        .hidden()
        .link<typeof s>((v) => visitIndexKeys(v).gsi4sk),
      gsi5pk: string()
        .hidden()
        .link<typeof s>((v) => visitIndexKeys(v).gsi5pk),
      gsi5sk: string()
        .hidden()
        .link<typeof s>((v) => visitIndexKeys(v).gsi5sk),
      gsi6pk: string()
        .optional()
        .hidden()
        .link<typeof s>((v) => visitStateKeys(v)?.gsi6pk),
      gsi6sk: string()
        .optional()
        .hidden()
        .link<typeof s>((v) => visitStateKeys(v)?.gsi6sk),
    })),
    computeKey: ({ visitId }) => ({ pk: `VISIT#${visitId}`, sk: 'VISIT' }),
  })

  return { CadencePolicy, CadencePolicyVersion, Flag, Visit }
}
