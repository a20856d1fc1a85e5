// Who may do what to a visit, and in which state: the checks every visit action makes before it changes anything.
import { inScope } from '../../access/rules/object-scope.ts'
import type { Actor } from '../../access/rules/roles.ts'
import { businessDateOf } from '../../calendar/rules/business-time.ts'
import { ConflictError, ForbiddenError, ValidationError } from '../../platform/errors.ts'

export const requirePlanned = (visit: { visitId: string; status: string }) => {
  if (visit.status !== 'planned') throw new ConflictError(`visit ${visit.visitId} is ${visit.status}`)
}

/**
 * An officer works on the visits assigned to them; supervisors and administrators on any in their region. Checked
 * after the scope: the 403 goes only to an officer who may read the visit anyway.
 */
export const requireAssigned = (actor: Actor, visit: { visitId: string; officerId: string }) => {
  if (actor.role === 'officer' && actor.id !== visit.officerId) {
    throw new ForbiddenError(`visit ${visit.visitId} is assigned to another officer`)
  }
}

/**
 * The outcome's notes and hardship reason are personal data: read by the assigned officer, supervisors, the
 * committee and administrators of the region, never by another officer.
 */
export const mayReadNotes = (actor: Actor, visit: { officerId: string }) =>
  actor.role !== 'officer' || actor.id === visit.officerId

/** Overdue: its due day has passed and it is still planned. From then on the ladder runs against its officer. */
export const isOverdue = (visit: { dueDate: string }, now: Date) => businessDateOf(now) > visit.dueDate

interface Staff {
  officerId: string
  unitId: string
  regionCode: string
  active: boolean
  duty: string
}

/**
 * A visit goes to an active officer (the only duty assigned visits) in the caller's scope, or, handed over by one
 * who leaves, of an enclosing unit outside it. One outside the scope is refused as a missing one: the answer does
 * not say where they work.
 */
export const requireAssignable = <S extends Staff>(
  actor: Actor,
  visit: { visitId: string; officerId: string },
  officerId: string,
  officer: S | undefined,
  handOver: boolean,
): S => {
  if (!officer?.active || officer.duty !== 'officer' || (!handOver && !inScope(actor, officer))) {
    throw new ValidationError([
      { field: 'officerId', reason: `${officerId} is not an active officer in your scope` },
    ])
  }
  if (officer.officerId === visit.officerId)
    throw new ConflictError(`visit ${visit.visitId} is already assigned to ${officer.officerId}`)
  return officer
}
