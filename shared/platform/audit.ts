// Audit entries: written in the same transaction as the change they describe, and read back per subject.
import { randomUUID } from 'node:crypto'
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut'
import { QueryCommand } from 'dynamodb-toolbox/table/actions/query'
import { notFound } from '../access/rules/object-scope.ts'
import { regionCovers } from '../access/rules/region-scope.ts'
import type { Actor } from '../access/rules/roles.ts'
import type { AppDeps } from './deps.ts'
import { ValidationError } from './errors.ts'
import { type PageQuery, pageOf } from './pages.ts'
import type { Store } from './table/store.ts'

export interface AuditInput {
  subject: string
  actor: string
  action: string
  regionCode: string
  at: Date
  before?: unknown
  after?: unknown
}

export const auditTransaction = (store: Store, entry: AuditInput) =>
  store.Audit.build(PutTransaction).item({
    subject: entry.subject,
    auditId: `${entry.at.toISOString()}#${randomUUID()}`,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    regionCode: entry.regionCode,
    before: entry.before,
    after: entry.after,
  })

/** A transaction refused because one of its conditions failed (the other reasons are real errors). */
export const isConditionRefusal = (error: unknown): boolean => {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] }
  if (e?.name === 'ConditionalCheckFailedException') return true
  return (
    e?.name === 'TransactionCanceledException' &&
    (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed') &&
    (e.CancellationReasons ?? []).every((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'None')
  )
}

/**
 * A conditional write whose refusal means it was done already (by an earlier delivery, a racing sweeper, another
 * dispatcher): true when this call wrote it, false when it was refused; any other failure is thrown.
 */
export const writeUnlessDone = async (write: Promise<unknown>): Promise<boolean> => {
  try {
    await write
    return true
  } catch (error) {
    if (isConditionRefusal(error)) return false
    throw error
  }
}

/** What an audit entry can be about, and how its trail is grouped in the table. */
const subjectPrefixes = {
  visit: 'VISIT',
  matter: 'MATTER',
  officer: 'OFFICER',
  petitioner: 'PETITIONER',
  unit: 'UNIT',
  'opt-out': 'OPTOUT',
  'quiet-hours': 'QUIET',
  template: 'TEMPLATE',
  notification: 'NOTIFICATION',
  'calendar-year': 'CALENDAR',
  'cadence-policy': 'CADENCE',
} as const
export type AuditSubjectType = keyof typeof subjectPrefixes

/** The subject an audit entry is filed under: its type and the parts of its id (a template: name and locale). */
export const auditSubject = (type: AuditSubjectType, ...id: string[]) =>
  [subjectPrefixes[type], ...id].join('#')

/** The subjects whose trail `GET /audit/{subjectType}/{subjectId}` reads. */
export const auditSubjectTypes = {
  visit: 'VISIT',
  matter: 'MATTER',
  officer: 'OFFICER',
  petitioner: 'PETITIONER',
  unit: 'UNIT',
} as const

/**
 * What the trail shows of a before or after: the change as the office sees it. Not the record's version (the count
 * its writes are checked against: every subject this trail reads, visits and matters, keeps one), and a phone under
 * the name every view gives it, `phone`, masked as it was stored.
 */
export const auditSnapshotView = (snapshot: unknown): unknown => {
  if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot)) return snapshot
  const { version: _, phoneMasked, ...rest } = snapshot as Record<string, unknown>
  return phoneMasked === undefined ? rest : { ...rest, phone: phoneMasked }
}

/**
 * The audit trail of one subject, oldest first, a page at a time; only entries of regions in the caller's scope, and
 * 404 when there is none, whether the subject has no trail or only one elsewhere.
 */
export const auditTrail = async (
  deps: AppDeps,
  actor: Actor,
  subjectType: string,
  subjectId: string,
  query: PageQuery,
) => {
  const prefix = auditSubjectTypes[subjectType as keyof typeof auditSubjectTypes]
  if (!prefix) {
    throw new ValidationError([
      { field: 'subjectType', reason: `must be one of ${Object.keys(auditSubjectTypes).join(', ')}` },
    ])
  }
  const subject = auditSubject(subjectType as keyof typeof auditSubjectTypes, subjectId)
  const { Items = [] } = await deps.store.table
    .build(QueryCommand)
    .entities(deps.store.Audit)
    .query({ partition: `AUDIT#${subject}` })
    .options({ maxPages: Number.POSITIVE_INFINITY })
    .send()
  // No entry in the caller's scope is answered as no entry at all: a 403 would say the subject exists elsewhere.
  const visible = Items.filter((e) => regionCovers(actor.regionCode, e.regionCode))
  if (visible.length === 0) throw notFound(`audit trail of ${subjectType} ${subjectId}`)
  // Cut after the scope: a cursor says nothing to a caller who may not read the trail. An entry's id starts with its
  // time: the trail's order.
  const page = pageOf(deps, `audit/${subject}`, visible, (e) => e.auditId, query)
  return {
    subjectType,
    subjectId,
    entries: page.items.map(({ at, actor: by, action, regionCode, before, after }) => ({
      at,
      actor: by,
      action,
      regionCode,
      before: auditSnapshotView(before),
      after: auditSnapshotView(after),
    })),
    nextCursor: page.nextCursor,
  }
}
