// The entities of the single table, each with its keys declared next to it (dynamodb-toolbox v2).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { any, boolean, Entity, item, list, map, number, set, string } from 'dynamodb-toolbox'
import { regionIndexKeys } from '../../access/rules/region-scope.ts'
import { notificationEntities } from '../../notifications/entities.ts'
import { schedulingEntities } from '../../scheduling/entities.ts'
import { aftercareTable, sealedPhone, timestamps } from './table.ts'

/**
 * A visit's places in the officer index (gsi1) and the region index (gsi3). Computed on put; an update that changes
 * the officer or the due time must write them again (links are not recomputed on update).
 */
export const visitIndexKeys = (v: {
  officerId: string
  regionCode: string
  dueAt: string
  visitId: string
}) => ({
  gsi1pk: `OFFICER#${v.officerId}#VISITS`,
  gsi1sk: `${v.dueAt}#${v.visitId}`,
  gsi3pk: `${regionIndexKeys(v.regionCode).partition}#VISITS`,
  gsi3sk: `${regionIndexKeys(v.regionCode).sortPrefix}#${v.dueAt}#${v.visitId}`,
})

/** A visit done or cancelled leaves its officer's worklist partition, so that a page of open visits is never short. */
export const closedVisitIndexKeys = (v: { officerId: string }) => ({
  gsi1pk: `OFFICER#${v.officerId}#CLOSED`,
})

export const createStore = (documentClient: DynamoDBDocumentClient, tableName: string) => {
  const table = aftercareTable(documentClient, tableName)

  const Unit = new Entity({
    name: 'Unit',
    table,
    timestamps,
    schema: item({
      unitId: string().key(),
      name: string(),
      regionCode: string(),
      level: string().enum('village', 'township', 'county', 'city', 'province'),
      parentUnitId: string().optional(),
    }),
    computeKey: ({ unitId }) => ({ pk: `UNIT#${unitId}`, sk: 'UNIT' }),
  })

  const Officer = new Entity({
    name: 'Officer',
    table,
    timestamps,
    schema: item({
      officerId: string().key(),
      name: string(),
      ...sealedPhone,
      unitId: string(),
      regionCode: string(),
      locale: string().default('zh-CN'),
      active: boolean().default(true),
      /**
       * The person's role when they sign in: officers are assigned visits (the only duty that is), supervisors are
       * told of overdue and flagged ones, committee members review the screening, administrators configure.
       */
      duty: string().enum('officer', 'supervisor', 'committee', 'admin').default('officer'),
      openVisits: number().default(0),
      /** The identity provider's account of this person, written with its SignInLink in one transaction. */
      signIn: map({ issuer: string(), subject: string() }).optional(),
    }).and((s) => ({
      gsi1pk: string()
        .hidden()
        .link<typeof s>(({ unitId }) => `UNIT#${unitId}#OFFICERS`),
      gsi1sk: string()
        .hidden()
        .link<typeof s>(({ officerId }) => `OFFICER#${officerId}`),
    })),
    computeKey: ({ officerId }) => ({ pk: `OFFICER#${officerId}`, sk: 'OFFICER' }),
  })

  /**
   * Who a token's (`iss`, `sub`) is: the directory id of the staff record (Officer) that keeps the same sign-in. Read
   * at every request whose caller is not cached (shared/access/callers.ts).
   */
  const SignInLink = new Entity({
    name: 'SignInLink',
    table,
    timestamps,
    schema: item({
      issuer: string().key(),
      subject: string().key(),
      officerId: string(),
      linkedAt: string(),
      linkedBy: string(),
    }),
    // One partition per sign-in, not per issuer: every caller's first request of a minute reads here.
    computeKey: ({ issuer, subject }) => ({ pk: `SIGNIN#${issuer}#${subject}`, sk: 'SIGNIN' }),
  })

  const Petitioner = new Entity({
    name: 'Petitioner',
    table,
    timestamps,
    schema: item({
      petitionerId: string().key(),
      name: string(),
      ...sealedPhone,
      unitId: string(),
      regionCode: string(),
      locale: string().default('zh-CN'),
    }),
    computeKey: ({ petitionerId }) => ({ pk: `PETITIONER#${petitionerId}`, sk: 'PETITIONER' }),
  })

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
    computeKey: ({ regionCode, trigger }) => ({ pk: `CADENCE#${regionCode}`, sk: `TRIGGER#${trigger}` }),
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
      pk: `CADENCE#${regionCode}`,
      sk: `HISTORY#${trigger}#${String(version).padStart(6, '0')}`,
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
      caseId: string(),
      petitionerId: string(),
      officerId: string(),
      unitId: string(),
      regionCode: string(),
      raisedAt: string(),
      detail: string(),
    }).and((s) => ({
      gsi3pk: string()
        .hidden()
        .link<typeof s>(({ regionCode }) => `${regionIndexKeys(regionCode).partition}#FLAGS`),
      gsi3sk: string()
        .hidden()
        .link<typeof s>(
          ({ regionCode, raisedAt, flagId }) =>
            `${regionIndexKeys(regionCode).sortPrefix}#${raisedAt}#${flagId}`,
        ),
    })),
    computeKey: ({ flagId }) => ({ pk: `FLAG#${flagId}`, sk: 'FLAG' }),
  })

  /** The accountability ledger: append-only entries per officer and unit (overdue, completed late, …). */
  const LedgerEntry = new Entity({
    name: 'LedgerEntry',
    table,
    timestamps,
    schema: item({
      entryId: string().key(),
      kind: string().enum('overdue', 'completed-late', 'moved-while-overdue'),
      visitId: string(),
      caseId: string(),
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
      source: string().enum('visit', 'case', 'manual'),
      sourceId: string(),
      nominatedBy: string(),
      /** The officer's reason, which describes the hardship: encrypted (Crypto port, field `reason`). */
      reasonCipher: string(),
      at: string(),
    }),
    computeKey: ({ year, nominationId }) => ({ pk: `NOMINATIONS#${year}`, sk: nominationId }),
  })

  const Visit = new Entity({
    name: 'Visit',
    table,
    timestamps,
    schema: item({
      visitId: string().key(),
      caseId: string(),
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
      gsi3pk: string()
        .hidden()
        .link<typeof s>((v) => visitIndexKeys(v).gsi3pk),
      gsi3sk: string()
        .hidden()
        .link<typeof s>((v) => visitIndexKeys(v).gsi3sk),
    })),
    computeKey: ({ visitId }) => ({ pk: `VISIT#${visitId}`, sk: 'VISIT' }),
  })

  return {
    ...notificationEntities(table),
    ...schedulingEntities(table),
    table,
    Unit,
    Officer,
    SignInLink,
    Petitioner,
    Case,
    CaseEvent,
    Audit,
    Outbox,
    CadencePolicy,
    CadencePolicyVersion,
    Flag,
    LedgerEntry,
    Nomination,
    Visit,
  }
}

export type Store = ReturnType<typeof createStore>
