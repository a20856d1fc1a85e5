import { executeTransactWrite, GetItemCommand, PutTransaction } from 'dynamodb-toolbox'
import { queueNotification } from '../notifications/actions/queue-notification.ts'
import { auditSubject, auditTransaction, writeUnlessDone } from '../platform/audit.ts'
import { openPhone } from '../platform/crypto/personal-data.ts'
import type { AppDeps } from '../platform/deps.ts'
import { minuteOf } from '../scheduling/rules/timers.ts'
import { closeTimer, getTimer } from '../scheduling/timers.ts'
import { flagItem, tellSupervisors } from './visit-flags.ts'
import { findVisit } from './visit-records.ts'
import { noteSmsOnVisit } from './visit-sms.ts'

/**
 * Whether the timer was moved after this firing was sent (a move writes the visit and its timers in one
 * transaction, so a visit read after the move finds its timer moved too): the firing for the old time does nothing,
 * and the message for the new time acts on the visit as it now is.
 */
const movedSince = async (deps: AppDeps, timer: { timerId: string; dueAt: string }) =>
  (await getTimer(deps, timer.timerId))?.dueAt !== timer.dueAt

/** At fire time: a visit no longer planned (completed, cancelled) reminds nobody. */
export const remindOfficerOfVisit = async (
  deps: AppDeps,
  timer: { timerId: string; subjectId: string; dueAt: string },
) => {
  const { store } = deps
  const visit = await findVisit(deps, timer.subjectId)
  if (visit?.status !== 'planned') {
    await closeTimer(deps, timer.timerId, 'void', timer.dueAt)
    return { reminded: false, reason: visit ? `visit ${visit.status}` : 'visit missing' }
  }
  if (await movedSince(deps, timer))
    return { reminded: false, reason: 'the visit moved: its reminder has a new time' }
  const [{ Item: officer }, { Item: petitioner }] = await Promise.all([
    store.Officer.build(GetItemCommand).key({ officerId: visit.officerId }).send(),
    store.Petitioner.build(GetItemCommand).key({ petitionerId: visit.petitionerId }).send(),
  ])
  if (!officer) throw new Error(`officer ${visit.officerId} of visit ${visit.visitId} does not exist`)
  // One SMS per reminder and due time: a visit moved after its reminder was sent is reminded of again.
  const notificationId = `sms-${timer.timerId}-${minuteOf(new Date(timer.dueAt)).replace(/\D/g, '')}`
  await noteSmsOnVisit(deps, visit.visitId, notificationId)
  await queueNotification(deps, {
    notificationId,
    recipientType: 'officer',
    recipientId: officer.officerId,
    regionCode: visit.regionCode,
    phone: await openPhone(deps.crypto, 'Officer', officer.officerId, officer),
    locale: officer.locale,
    template: 'officer-visit-reminder',
    params: {
      officerName: officer.name,
      sequence: String(visit.sequence),
      caseId: visit.caseId,
      petitionerName: petitioner?.name ?? visit.petitionerId,
      dueDate: visit.dueDate,
    },
  })
  await closeTimer(deps, timer.timerId, 'fired', timer.dueAt)
  return { reminded: true }
}

/**
 * The overdue ladder. One working day late: the supervisor is told and the visit flagged. Five working days late:
 * one accountability record for the officer and the unit (a second firing finds it and adds nothing).
 */
export const climbLadder = async (
  deps: AppDeps,
  timer: { timerId: string; subjectId: string; dueAt: string },
  step: 'supervisor' | 'accountability',
) => {
  const { store, clock } = deps
  const visit = await findVisit(deps, timer.subjectId)
  if (visit?.status !== 'planned') {
    await closeTimer(deps, timer.timerId, 'void', timer.dueAt)
    return { acted: false, reason: visit ? `visit ${visit.status}` : 'visit missing' }
  }
  if (await movedSince(deps, timer))
    return { acted: false, reason: 'the visit moved: its step has a new time' }
  const now = clock.now()
  if (step === 'supervisor') {
    const flag = flagItem(visit, 'overdue', now, `due ${visit.dueDate}`)
    // Refused: flagged by an earlier firing (telling is idempotent).
    await writeUnlessDone(
      executeTransactWrite(
        store.Flag.build(PutTransaction)
          .item(flag)
          .options({ condition: { attr: 'flagId', exists: false } }),
        auditTransaction(store, {
          subject: auditSubject('visit', visit.visitId),
          actor: 'overdue-ladder',
          action: 'visit.overdue-flagged',
          regionCode: visit.regionCode,
          at: now,
          before: { flagged: false },
          after: { flagged: true, flagId: flag.flagId, dueDate: visit.dueDate, officerId: visit.officerId },
        }),
      ),
    )
    await tellSupervisors(deps, visit, 'overdue')
  } else {
    // Refused: recorded by an earlier firing.
    await writeUnlessDone(
      executeTransactWrite(
        store.LedgerEntry.build(PutTransaction)
          .item({
            entryId: `overdue-${visit.visitId}-${visit.dueDate}`,
            kind: 'overdue',
            visitId: visit.visitId,
            caseId: visit.caseId,
            officerId: visit.officerId,
            unitId: visit.unitId,
            regionCode: visit.regionCode,
            dueDate: visit.dueDate,
            recordedAt: now.toISOString(),
            detail: `not done five working days after ${visit.dueDate}`,
          })
          .options({ condition: { attr: 'entryId', exists: false } }),
        auditTransaction(store, {
          subject: auditSubject('visit', visit.visitId),
          actor: 'overdue-ladder',
          action: 'accountability.recorded',
          regionCode: visit.regionCode,
          at: now,
          before: { accountabilityRecorded: false },
          after: {
            accountabilityRecorded: true,
            entryId: `overdue-${visit.visitId}-${visit.dueDate}`,
            officerId: visit.officerId,
            unitId: visit.unitId,
            dueDate: visit.dueDate,
          },
        }),
      ),
    )
  }
  await closeTimer(deps, timer.timerId, 'fired', timer.dueAt)
  return { acted: true }
}
