// `POST /matters/{matterId}/events`: an event recorded on a matter (once per event id: the same id again answers the
// event recorded), its status moved by the status rule, and the event announced through the outbox, all in one
// transaction.
import { randomUUID } from 'node:crypto'
import type * as z from 'zod'
import type { Actor } from '../../access/rules/roles.ts'
import { auditSubject, isConditionRefusal } from '../../platform/audit.ts'
import { ConflictError, ValidationError } from '../../platform/errors.ts'
import type { MatterDeps } from '../ports.ts'
import { matterEventMessageOf, occurredAtOf } from '../rules/events.ts'
import type { matterEventInput } from '../rules/schemas.ts'
import { type MatterStatus, statusAfter } from '../rules/status.ts'
import { eventOfMatter, saveMatterEvent } from '../store.ts'
import { loadMatter } from './load-matter.ts'

export const recordMatterEvent = async (
  deps: MatterDeps,
  actor: Actor,
  matterId: string,
  input: z.infer<typeof matterEventInput>,
) => {
  const { store, clock } = deps
  const matter = await loadMatter(deps, actor, matterId)
  const eventId = input.eventId ?? randomUUID()
  const replay = await eventOfMatter(store, matterId, eventId)
  if (replay) return { event: replay, replayed: true }

  const next = statusAfter(matter.status as MatterStatus, input.type)
  if (next === 'refused') {
    throw new ConflictError(`case ${matterId} is ${matter.status}: it cannot be ${input.type}`, {
      status: matter.status,
    })
  }
  const now = clock.now()
  const occurredAt = occurredAtOf(input.occurredAt, now)
  if (occurredAt === 'in the future') {
    throw new ValidationError([{ field: 'occurredAt', reason: 'must not be in the future' }])
  }
  const event = {
    matterId,
    eventId,
    type: input.type,
    occurredAt: occurredAt.toISOString(),
    recordedAt: now.toISOString(),
    recordedBy: actor.id,
    note: input.note,
  }
  try {
    await saveMatterEvent(
      store,
      {
        event,
        matter: { matterId, status: next, updatedAt: now.toISOString(), readVersion: matter.version },
        message: matterEventMessageOf(matter, event),
        now,
      },
      {
        subject: auditSubject('matter', matterId),
        actor: actor.id,
        action: `case.${input.type}`,
        regionCode: matter.regionCode,
        at: now,
        before: { status: matter.status, version: matter.version },
        after: { status: next, version: matter.version + 1, event },
      },
    )
  } catch (error) {
    if (isConditionRefusal(error)) {
      throw new ConflictError(
        `case ${matterId} changed while this event was recorded; read it again and retry`,
      )
    }
    throw error
  }
  return { event, replayed: false }
}
