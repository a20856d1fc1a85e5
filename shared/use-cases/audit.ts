// Audit entries: written in the same transaction as the change they describe.
import { randomUUID } from 'node:crypto'
import { PutTransaction } from 'dynamodb-toolbox'
import type { Store } from '../adapters/dynamodb/store.ts'

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
