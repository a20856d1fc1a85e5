// The visit planner: a case event becomes the return visits of its cadence, assigned and with reminder timers.
import { datedVisit } from '../../calendar/dated-visit.ts'
import type { MatterEventMessage } from '../../matters/rules/events.ts'
import { auditSubject, auditTransaction, isConditionRefusal } from '../../platform/audit.ts'
import { openPhone } from '../../platform/crypto/personal-data.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { AppError } from '../../platform/errors.ts'
import { visitPorts } from '../ports.ts'
import type { VisitTrigger } from '../rules/cadence.ts'
import { plannedSmsId, visitIdOf } from '../rules/ids.ts'
import { planVisits } from '../rules/plan.ts'
import { type VisitTimer, visitTimers } from '../rules/visit-timers.ts'
import { nearestStaff, petitionerOf } from '../store/people.ts'
import { timerWrites } from '../store/records.ts'
import { findVisit, noteSmsOnVisit, saveVisits } from '../store/visits.ts'
import { writeTogether } from '../store/writes.ts'
import { cadenceFor } from './cadence-policies.ts'

export const PLANNER = 'visit-planner'

export class NoActiveOfficerError extends AppError {
  constructor(unitId: string) {
    super(`no active officer in unit ${unitId} or any unit above it`, 500)
  }
}

/** The officer of the nearest unit with an active officer, balancing open visits. */
const assignOfficer = async (deps: AppDeps, unitId: string) => {
  const [officer] = await nearestStaff(deps.store, unitId, 'officer')
  if (!officer) throw new NoActiveOfficerError(unitId)
  return officer
}

/** Plans the visits of one case event. Delivered twice, it plans once: the visits' conditional puts refuse. */
export const planVisitsForEvent = async (deps: AppDeps, event: MatterEventMessage) => {
  const { store, clock, config } = deps
  const ports = visitPorts(deps)
  const trigger = event.type as VisitTrigger
  const { policy, version, regionCode: policyRegion } = await cadenceFor(deps, event.regionCode, trigger)
  const now = clock.now()
  const calendar = await ports.calendar()
  const planned = planVisits(policy, new Date(event.occurredAt), now, calendar)
  const officer = await assignOfficer(deps, event.unitId)
  // Every date of each visit (due date, reminders, ladder) and the years not loaded that any of them depends on.
  const dated = planned.map((p) =>
    datedVisit(
      {
        visitId: visitIdOf(event, p.sequence),
        offset: p.offset,
        reminderRules: policy.reminders,
        triggeredAt: event.occurredAt,
        plannedAt: now.toISOString(),
      },
      calendar,
    ),
  )
  const unloadedYears = (n: number) => dated[n]?.unloadedYears ?? []

  const visits = planned.map((p, n) => ({
    visitId: visitIdOf(event, p.sequence),
    matterId: event.matterId,
    petitionerId: event.petitionerId,
    officerId: officer.officerId,
    unitId: officer.unitId,
    regionCode: event.regionCode,
    trigger,
    triggerEventId: event.eventId,
    triggeredAt: event.occurredAt,
    offset: p.offset,
    policyRegion,
    policyVersion: version,
    reminderRules: policy.reminders,
    reminderCount: p.reminders.length,
    sequence: p.sequence,
    dueDate: p.dueDate,
    dueAt: p.dueAt.toISOString(),
    provisional: unloadedYears(n).length > 0,
    status: 'planned' as const,
    plannedAt: now.toISOString(),
    version: 1,
  }))
  const timers: VisitTimer[] = planned.flatMap((p) =>
    visitTimers({ visitId: visitIdOf(event, p.sequence), dueDate: p.dueDate }, p.reminders, calendar),
  )

  const caughtUp = planned.find((p) => p.catchUp) ? visitIdOf(event, 1) : undefined
  const pastPoints = policy.visits.length - planned.length + (caughtUp ? 1 : 0)

  try {
    await writeTogether([
      // The officer must still be active: one who left meanwhile refuses, and the event is planned again.
      ...saveVisits(store, { added: visits }, { newOfficerActive: true }),
      ...timerWrites(store, config.TIMER_SHARDS, timers),
      ...visits.flatMap((v, n) => ports.provisionalMarks(v.visitId, unloadedYears(n))),
      auditTransaction(store, {
        subject: auditSubject('matter', event.matterId),
        actor: PLANNER,
        action: 'visits.planned',
        regionCode: event.regionCode,
        at: now,
        after: {
          policy: { region: policyRegion, version },
          visits: visits.map((v) => ({ ...v })),
          // Cadence points already past when planned collapse into one visit (decision 0016).
          ...(pastPoints > 0 ? { pastPoints, caughtUpBy: caughtUp ?? visits[0]?.visitId } : {}),
        },
      }),
    ])
  } catch (error) {
    if (!isConditionRefusal(error)) throw error
    const first = await findVisit(store, visitIdOf(event, 1))
    // Either this event was planned before (a redelivery), or the officer left meanwhile: then retry.
    if (!first) throw error
    // The first delivery may have stopped before its last steps: finish them (each is idempotent).
    await ports.enqueueIfSwept(timers)
    await tellPetitioner(deps, event, first.dueDate)
    return { visits: [], replayed: true }
  }
  await ports.enqueueIfSwept(timers)
  await ports.warnCalendarMissing(visits.flatMap((_, n) => unloadedYears(n)))
  if (visits[0]) await tellPetitioner(deps, event, visits[0].dueDate)
  return { visits, replayed: false }
}

/** The petitioner's right to know: the matter is concluded and a return visit will come by its date. */
const tellPetitioner = async (deps: AppDeps, event: MatterEventMessage, firstDueDate: string) => {
  const petitioner = await petitionerOf(deps.store, event.petitionerId)
  if (!petitioner) return
  const notificationId = plannedSmsId(event)
  await noteSmsOnVisit(deps.store, visitIdOf(event, 1), notificationId)
  await visitPorts(deps).notify({
    notificationId,
    recipientType: 'petitioner',
    recipientId: petitioner.petitionerId,
    regionCode: petitioner.regionCode,
    phone: await openPhone(deps.crypto, 'Petitioner', petitioner.petitionerId, petitioner),
    locale: petitioner.locale,
    template: 'petitioner-visit-planned',
    params: { petitionerName: petitioner.name, matterId: event.matterId, dueDate: firstDueDate },
  })
}
