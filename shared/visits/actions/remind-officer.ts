// A reminder timer fires: the visit's officer gets an SMS, unless the visit is no longer planned or has moved.
import { openPhone } from '../../platform/crypto/personal-data.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { visitPorts } from '../ports.ts'
import { reminderSmsId } from '../rules/ids.ts'
import { officerOf, petitionerOf } from '../store/people.ts'
import { findVisit, noteSmsOnVisit } from '../store/visits.ts'

/**
 * Whether the timer was moved after this firing was sent (a move writes the visit and its timers in one
 * transaction, so a visit read after the move finds its timer moved too): the firing for the old time does nothing,
 * and the message for the new time acts on the visit as it now is.
 */
export const movedSince = async (deps: AppDeps, timer: { timerId: string; dueAt: string }) =>
  (await visitPorts(deps).timerDueAt(timer.timerId)) !== timer.dueAt

/** At fire time: a visit no longer planned (completed, cancelled) reminds nobody. */
export const remindOfficerOfVisit = async (
  deps: AppDeps,
  timer: { timerId: string; subjectId: string; dueAt: string },
) => {
  const { store } = deps
  const ports = visitPorts(deps)
  const visit = await findVisit(store, timer.subjectId)
  if (visit?.status !== 'planned') {
    await ports.closeTimer(timer.timerId, 'void', timer.dueAt)
    return { reminded: false, reason: visit ? `visit ${visit.status}` : 'visit missing' }
  }
  if (await movedSince(deps, timer))
    return { reminded: false, reason: 'the visit moved: its reminder has a new time' }
  const [officer, petitioner] = await Promise.all([
    officerOf(store, visit.officerId),
    petitionerOf(store, visit.petitionerId),
  ])
  if (!officer) throw new Error(`officer ${visit.officerId} of visit ${visit.visitId} does not exist`)
  const notificationId = reminderSmsId(timer.timerId, new Date(timer.dueAt))
  await noteSmsOnVisit(store, visit.visitId, notificationId)
  await ports.notify({
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
      matterId: visit.matterId,
      petitionerName: petitioner?.name ?? visit.petitionerId,
      dueDate: visit.dueDate,
    },
  })
  await ports.closeTimer(timer.timerId, 'fired', timer.dueAt)
  return { reminded: true }
}
