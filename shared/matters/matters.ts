// Matters: registration and the events that start return visits. A state change, its audit entry and its
// outbox event are one TransactWriteItems.
import { randomUUID } from 'node:crypto'
import {
  executeTransactWrite,
  GetItemCommand,
  PutTransaction,
  QueryCommand,
  UpdateTransaction,
} from 'dynamodb-toolbox'
import * as z from 'zod'
import { inScope, requireInScopeOrNotFound } from '../access/rules/object-scope.ts'
import type { Actor } from '../access/rules/roles.ts'
import { strictObject } from '../directory/rules/fields.ts'
import { auditSubject, auditTransaction, isConditionRefusal } from '../platform/audit.ts'
import type { AppDeps } from '../platform/deps.ts'
import { ConflictError, ValidationError } from '../platform/errors.ts'
import { idSchema } from '../platform/id.ts'
import {
  type CaseEventMessage,
  type CaseStatus,
  caseEventTypeSchema,
  eventKeyOf,
  statusAfter,
} from './rules/events.ts'

/** Outbox items are kept a week: long enough for the stream to be replayed, short enough not to pile up. */
const OUTBOX_RETENTION_SECONDS = 7 * 24 * 3600

export const registerCaseInput = strictObject({
  caseId: idSchema,
  petitionerId: idSchema,
  category: z.string().min(1).max(50),
  summary: z.string().min(1).max(2000),
})

export const caseEventInput = strictObject({
  type: caseEventTypeSchema,
  /** When it happened; defaults to now. */
  occurredAt: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant' }).optional(),
  /** A client's idempotency key: the same id twice records the event once. */
  eventId: idSchema.optional(),
  note: z.string().max(2000).optional(),
})

export const registerCase = async (deps: AppDeps, actor: Actor, input: z.infer<typeof registerCaseInput>) => {
  const { store, clock } = deps
  const { Item: petitioner } = await store.Petitioner.build(GetItemCommand)
    .key({ petitionerId: input.petitionerId })
    .send()
  // A petitioner outside the caller's scope is refused as a missing one: the answer does not say where they live.
  if (!inScope(actor, petitioner)) {
    throw new ValidationError([
      { field: 'petitionerId', reason: `petitioner ${input.petitionerId} not found` },
    ])
  }
  const now = clock.now().toISOString()
  const matter = {
    ...input,
    regionCode: petitioner.regionCode,
    unitId: petitioner.unitId,
    status: 'handling' as CaseStatus,
    openedAt: now,
    updatedAt: now,
    version: 1,
  }
  try {
    await executeTransactWrite(
      store.Case.build(PutTransaction)
        .item(matter)
        .options({ condition: { attr: 'caseId', exists: false } }),
      auditTransaction(store, {
        subject: auditSubject('case', input.caseId),
        actor: actor.id,
        action: 'case.registered',
        regionCode: matter.regionCode,
        at: clock.now(),
        after: matter,
      }),
    )
  } catch (error) {
    if (isConditionRefusal(error)) throw new ConflictError(`case ${input.caseId} already exists`)
    throw error
  }
  return matter
}

/** A matter outside the caller's scope is answered as a missing one: 404, not a 403 that would say where it is. */
const loadCase = async ({ store }: AppDeps, actor: Actor, caseId: string) =>
  requireInScopeOrNotFound(
    actor,
    (await store.Case.build(GetItemCommand).key({ caseId }).send()).Item,
    `case ${caseId}`,
  )

export const getCase = async (deps: AppDeps, actor: Actor, caseId: string) => {
  const matter = await loadCase(deps, actor, caseId)
  const { Items = [] } = await deps.store.table
    .build(QueryCommand)
    .entities(deps.store.CaseEvent)
    .query({ partition: `CASE#${caseId}`, range: { beginsWith: 'EVENT#' } })
    .send()
  return { ...matter, events: Items.sort((a, b) => a.recordedAt.localeCompare(b.recordedAt)) }
}

export const recordCaseEvent = async (
  deps: AppDeps,
  actor: Actor,
  caseId: string,
  input: z.infer<typeof caseEventInput>,
) => {
  const { store, clock } = deps
  const matter = await loadCase(deps, actor, caseId)
  const eventId = input.eventId ?? randomUUID()
  const { Item: replay } = await store.CaseEvent.build(GetItemCommand).key({ caseId, eventId }).send()
  if (replay) return { event: replay, replayed: true }

  const next = statusAfter(matter.status as CaseStatus, input.type)
  if (next === 'refused') {
    throw new ConflictError(`case ${caseId} is ${matter.status}: it cannot be ${input.type}`, {
      status: matter.status,
    })
  }
  const now = clock.now()
  const occurredAt = input.occurredAt ? new Date(input.occurredAt) : now
  if (occurredAt > now)
    throw new ValidationError([{ field: 'occurredAt', reason: 'must not be in the future' }])
  const event = {
    caseId,
    eventId,
    type: input.type,
    occurredAt: occurredAt.toISOString(),
    recordedAt: now.toISOString(),
    recordedBy: actor.id,
    note: input.note,
  }
  const message: CaseEventMessage = {
    eventId,
    type: input.type,
    caseId,
    petitionerId: matter.petitionerId,
    regionCode: matter.regionCode,
    unitId: matter.unitId,
    occurredAt: event.occurredAt,
  }
  try {
    await executeTransactWrite(
      store.CaseEvent.build(PutTransaction)
        .item(event)
        .options({ condition: { attr: 'eventId', exists: false } }),
      store.Case.build(UpdateTransaction)
        .item({ caseId, status: next, updatedAt: now.toISOString(), version: matter.version + 1 })
        .options({ condition: { attr: 'version', eq: matter.version } }),
      auditTransaction(store, {
        subject: auditSubject('case', caseId),
        actor: actor.id,
        action: `case.${input.type}`,
        regionCode: matter.regionCode,
        at: now,
        before: { status: matter.status, version: matter.version },
        after: { status: next, version: matter.version + 1, event },
      }),
      store.Outbox.build(PutTransaction)
        .item({
          eventId: eventKeyOf({ caseId, eventId }),
          type: input.type,
          regionCode: matter.regionCode,
          occurredAt: event.occurredAt,
          payload: message,
          expiresAt: Math.floor(now.getTime() / 1000) + OUTBOX_RETENTION_SECONDS,
        })
        // Never over another item: the stream hears only new ones, an overwrite would be lost.
        .options({ condition: { attr: 'eventId', exists: false } }),
    )
  } catch (error) {
    if (isConditionRefusal(error)) {
      throw new ConflictError(`case ${caseId} changed while this event was recorded; read it again and retry`)
    }
    throw error
  }
  return { event, replayed: false }
}
