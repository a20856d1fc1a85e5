// An appointment with the petitioner: the visit keeps it, and the petitioner gets an SMS with the time and the
// officer's name.
import type * as z from 'zod'
import type { Actor } from '../../access/rules/roles.ts'
import { auditSubject, auditTransaction } from '../../platform/audit.ts'
import { openPhone } from '../../platform/crypto/personal-data.ts'
import type { AppDeps } from '../../platform/deps.ts'
import type { appointmentInput } from '../inputs.ts'
import { visitPorts } from '../ports.ts'
import { appointmentOf, shanghaiTime } from '../rules/appointment.ts'
import { requireAssigned, requirePlanned } from '../rules/visit-access.ts'
import { officerOf, petitionerOf } from '../store/people.ts'
import { noteSmsOnVisit, saveVisits } from '../store/visits.ts'
import { commitVisitChange } from '../store/writes.ts'
import { loadVisit, visitNow } from './get-visit.ts'

export const setAppointment = async (
  deps: AppDeps,
  actor: Actor,
  visitId: string,
  input: z.infer<typeof appointmentInput>,
) => {
  const { store, clock } = deps
  const visit = await loadVisit(deps, actor, visitId)
  requireAssigned(actor, visit)
  requirePlanned(visit)
  const at = new Date(input.at)
  const now = clock.now()
  const { again, notificationId } = appointmentOf(visit, at, now)
  if (!again)
    await commitVisitChange(visitId, [
      ...saveVisits(store, {
        changed: [
          { visit, change: { appointmentAt: at.toISOString(), appointmentNotificationId: notificationId } },
        ],
      }),
      auditTransaction(store, {
        subject: auditSubject('visit', visitId),
        actor: actor.id,
        action: 'visit.appointment',
        regionCode: visit.regionCode,
        at: now,
        before: { appointmentAt: visit.appointmentAt },
        after: { appointmentAt: at.toISOString(), note: input.note },
      }),
    ])
  const [officer, petitioner] = await Promise.all([
    officerOf(store, visit.officerId),
    petitionerOf(store, visit.petitionerId),
  ])
  if (petitioner) {
    await noteSmsOnVisit(store, visitId, notificationId)
    await visitPorts(deps).notify({
      notificationId,
      recipientType: 'petitioner',
      recipientId: petitioner.petitionerId,
      regionCode: visit.regionCode,
      phone: await openPhone(deps.crypto, 'Petitioner', petitioner.petitionerId, petitioner),
      locale: petitioner.locale,
      template: 'petitioner-appointment',
      params: {
        petitionerName: petitioner.name,
        officerName: officer?.name ?? '回访员',
        time: shanghaiTime(at),
      },
    })
  }
  return visitNow(deps, actor, visitId)
}
