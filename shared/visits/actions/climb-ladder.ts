// The overdue ladder. One working day late: the supervisor is told and the visit flagged. Five working days late:
// one accountability record for the officer and the unit (a second firing finds it and adds nothing).
import { overdueEntry, overdueEntryId } from '../../accountability/store.ts'
import { auditSubject, auditTransaction } from '../../platform/audit.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { visitPorts } from '../ports.ts'
import { flagOf } from '../rules/flags.ts'
import { flagWrite } from '../store/records.ts'
import { findVisit } from '../store/visits.ts'
import { writeOnce } from '../store/writes.ts'
import { movedSince } from './remind-officer.ts'
import { tellSupervisors } from './tell-supervisors.ts'

export const climbLadder = async (
  deps: AppDeps,
  timer: { timerId: string; subjectId: string; dueAt: string },
  step: 'supervisor' | 'accountability',
) => {
  const { store, clock } = deps
  const ports = visitPorts(deps)
  const visit = await findVisit(store, timer.subjectId)
  if (visit?.status !== 'planned') {
    await ports.closeTimer(timer.timerId, 'void', timer.dueAt)
    return { acted: false, reason: visit ? `visit ${visit.status}` : 'visit missing' }
  }
  if (await movedSince(deps, timer))
    return { acted: false, reason: 'the visit moved: its step has a new time' }
  const now = clock.now()
  if (step === 'supervisor') {
    const flag = flagOf(visit, 'overdue', now, `due ${visit.dueDate}`)
    // Refused: flagged by an earlier firing (telling is idempotent).
    await writeOnce([
      flagWrite(store, flag, { once: true }),
      auditTransaction(store, {
        subject: auditSubject('visit', visit.visitId),
        actor: 'overdue-ladder',
        action: 'visit.overdue-flagged',
        regionCode: visit.regionCode,
        at: now,
        before: { flagged: false },
        after: { flagged: true, flagId: flag.flagId, dueDate: visit.dueDate, officerId: visit.officerId },
      }),
    ])
    await tellSupervisors(deps, visit, 'overdue')
  } else {
    // Refused: recorded by an earlier firing.
    await writeOnce([
      overdueEntry(store, visit, now),
      auditTransaction(store, {
        subject: auditSubject('visit', visit.visitId),
        actor: 'overdue-ladder',
        action: 'accountability.recorded',
        regionCode: visit.regionCode,
        at: now,
        before: { accountabilityRecorded: false },
        after: {
          accountabilityRecorded: true,
          entryId: overdueEntryId(visit.visitId, visit.dueDate),
          officerId: visit.officerId,
          unitId: visit.unitId,
          dueDate: visit.dueDate,
        },
      }),
    ])
  }
  await ports.closeTimer(timer.timerId, 'fired', timer.dueAt)
  return { acted: true }
}
