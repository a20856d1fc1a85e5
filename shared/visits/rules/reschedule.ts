// Moving a visit's due date: by its officer while it is not yet overdue; an overdue one only by a supervisor, on the
// record, so that moving a late visit cannot quietly reset its ladder.
import type { Actor } from '../../access/rules/roles.ts'
import { type BusinessDate, businessDateOf } from '../../calendar/rules/business-time.ts'
import type { WorkingCalendar } from '../../calendar/rules/working-calendar.ts'
import { ForbiddenError, ValidationError } from '../../platform/errors.ts'
import { isOverdue } from './visit-access.ts'

/** Whether `actor` may move the visit to `dueDate` (a working day, not past); says whether it was overdue. */
export const checkReschedule = (
  actor: Actor,
  visit: { visitId: string; dueDate: string },
  dueDate: BusinessDate,
  now: Date,
  calendar: WorkingCalendar,
) => {
  const overdue = isOverdue(visit, now)
  if (overdue && actor.role === 'officer') {
    throw new ForbiddenError(
      `visit ${visit.visitId} is overdue (due ${visit.dueDate}): only a supervisor may move its due date`,
    )
  }
  if (dueDate < businessDateOf(now)) {
    throw new ValidationError([{ field: 'dueDate', reason: 'must not be in the past' }])
  }
  if (!calendar.isWorkingDay(dueDate)) {
    throw new ValidationError([{ field: 'dueDate', reason: `${dueDate} is not a working day` }])
  }
  return { overdue }
}

/** What the flag and the ledger say of a move. */
export const moveDetail = (from: string, to: string, by: string, reason: string) =>
  `moved from ${from} to ${to} by ${by}: ${reason}`
