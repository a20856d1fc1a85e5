// Return visits after planning: the outcome and what follows from it, reminders and the overdue ladder,
// reassignment, cancelling, rescheduling, appointments and the stop rule. Every change is audited.
import { isDeepStrictEqual } from 'node:util'
import {
  $add,
  $append,
  $set,
  executeTransactWrite,
  GetItemCommand,
  PutTransaction,
  UpdateTransaction,
} from 'dynamodb-toolbox'
import type * as z from 'zod'
import { requireInScopeOrNotFound } from '../access/rules/object-scope.ts'
import type { Actor } from '../access/rules/roles.ts'
import { workingCalendar } from '../calendar/reader.ts'
import { businessDateOf, shanghaiInstant } from '../calendar/rules/business-time.ts'
import { queueNotification } from '../notifications/notify.ts'
import { auditSubject, auditTransaction } from '../platform/audit.ts'
import { openOutcome, openPhone, sealOutcome } from '../platform/crypto/personal-data.ts'
import type { AppDeps } from '../platform/deps.ts'
import { ConflictError, ValidationError } from '../platform/errors.ts'
import { enqueueIfSwept, timerItem } from '../scheduling/timers.ts'
import { closedVisitIndexKeys } from './entities.ts'
import { visitIdOf } from './plan-visits.ts'
import { defaultCadence, type ReminderRule } from './rules/cadence.ts'
import { consequencesOf, EXTRA_VISIT_WORKING_DAYS, mayCloseRemaining, type Outcome } from './rules/outcome.ts'
import { remindersFor } from './rules/plan.ts'
import { flagItem, flagLabels, tellSupervisors } from './visit-flags.ts'
import { cancelVisit } from './visit-moves.ts'
import {
  type appointmentInput,
  type closeRemainingInput,
  commit,
  findVisit,
  loadVisit,
  requireAssigned,
  requirePlanned,
  type TransactionItem,
  type Visit,
  visitUpdate,
  visitView,
} from './visit-records.ts'
import { noteSmsOnVisit } from './visit-sms.ts'
import { cancelVisitTimers, visitTimers } from './visit-timers.ts'

export { climbLadder, remindOfficerOfVisit } from './visit-ladder.ts'
export { cancelVisit, officerLeaves, openVisitsOf, reassignVisit, rescheduleVisit } from './visit-moves.ts'
// The visit actions, where the HTTP function and the timer consumer find them.
export {
  appointmentInput,
  cancelInput,
  closeRemainingInput,
  getVisit,
  leaveInput,
  reassignInput,
  rescheduleInput,
} from './visit-records.ts'

/**
 * Records what a visit found. Reached: the visit is completed (on time or late); a dissatisfied petitioner or a high
 * risk adds an extra visit within five working days and flags the supervisor; hardship nominates the petitioner for
 * the annual screening. Not reached: the attempt is kept; the third time the supervisor is flagged.
 */
export const recordOutcome = async (deps: AppDeps, actor: Actor, visitId: string, outcome: Outcome) => {
  const { store, clock, config } = deps
  const visit = await loadVisit(deps, actor, visitId)
  requireAssigned(actor, visit)
  const calendar = await workingCalendar(deps)
  if (visit.status === 'completed' && isDeepStrictEqual(await openOutcome(deps.crypto, visit), outcome)) {
    // The same form sent again (a retry after a lost answer): finish what follows it, record nothing twice.
    return finishOutcome(deps, actor, visit, consequencesOf(outcome, visit.unreached.length), calendar)
  }
  const kept = keptAttempt(visit, outcome)
  if (kept >= 0) {
    // An attempt already kept under this key: answer as the first time did.
    return finishOutcome(deps, actor, visit, consequencesOf(outcome, kept), calendar)
  }
  requirePlanned(visit)
  const now = clock.now()
  const today = businessDateOf(now)
  const effects = consequencesOf(outcome, visit.unreached.length)
  // A flag names what happened, not the officer's notes (personal data, kept encrypted with the outcome).
  const flags = effects.flags.map((kind) => flagItem(visit, kind, now, flagLabels[kind]))
  const sealed = await sealOutcome(
    deps.crypto,
    visitId,
    outcome,
    effects.completes ? 'outcome' : `unreached-${visit.unreached.length + 1}`,
  )

  const writes: TransactionItem[] = []
  let after: Record<string, unknown>
  if (effects.completes) {
    after = {
      status: 'completed',
      completedAt: now.toISOString(),
      completedOnTime: today <= visit.dueDate,
      outcome: $set(sealed.outcome),
      ...(sealed.outcomeCipher ? { outcomeCipher: sealed.outcomeCipher } : {}),
      ...closedVisitIndexKeys(visit),
    }
    const { Item: overdue } = await store.LedgerEntry.build(GetItemCommand)
      .key({ entryId: `overdue-${visitId}-${visit.dueDate}` })
      .send()
    if (overdue) {
      // Completing late closes the ladder; the record stays, and the ledger says when the visit was done.
      writes.push(
        store.LedgerEntry.build(PutTransaction).item({
          ...overdue,
          entryId: `late-${visitId}`,
          kind: 'completed-late',
          recordedAt: now.toISOString(),
          detail: `completed on ${today}, due ${visit.dueDate}`,
        }),
      )
    }
  } else {
    const attempt = {
      at: now.toISOString(),
      method: outcome.method,
      reason: outcome.notReachedReason ?? 'other',
      by: actor.id,
      ...(outcome.submissionId ? { submissionId: outcome.submissionId } : {}),
      ...(sealed.outcomeCipher ? { privateCipher: sealed.outcomeCipher } : {}),
    }
    after = { unreached: $append([attempt]) }
  }

  let extra: (ReturnType<typeof extraVisit> & {}) | undefined
  if (effects.extraVisit) {
    extra = extraVisit(visit, calendar.addWorkingDays(today, EXTRA_VISIT_WORKING_DAYS).date, now)
    writes.push(
      store.Visit.build(PutTransaction)
        .item(extra.visit)
        .options({ condition: { attr: 'visitId', exists: false } }),
      ...extra
        .timers(calendar)
        .map((t) => store.Timer.build(PutTransaction).item(timerItem(t, config.TIMER_SHARDS))),
      auditTransaction(store, {
        subject: auditSubject('visit', extra.visit.visitId),
        actor: actor.id,
        action: 'visit.planned-extra',
        regionCode: visit.regionCode,
        at: now,
        after: {
          status: 'planned',
          dueDate: extra.visit.dueDate,
          officerId: extra.visit.officerId,
          after: visitId,
          because: effects.flags,
        },
      }),
    )
  }
  // One write per item in a transaction: the officer's open visits move by the net change.
  const openDelta = (effects.completes ? -1 : 0) + (extra ? 1 : 0)
  if (openDelta !== 0) {
    writes.push(
      store.Officer.build(UpdateTransaction).item({
        officerId: visit.officerId,
        openVisits: $add(openDelta),
      }),
    )
  }
  for (const flag of flags) writes.push(store.Flag.build(PutTransaction).item(flag))
  if (effects.nominateForScreening && outcome.hardship) {
    const nominationId = `visit-${visitId}`
    writes.push(
      store.Nomination.build(PutTransaction).item({
        year: today.slice(0, 4),
        nominationId,
        petitionerId: visit.petitionerId,
        regionCode: visit.regionCode,
        source: 'visit',
        sourceId: visitId,
        nominatedBy: actor.id,
        reasonCipher: await deps.crypto.encrypt(outcome.hardship.reason, {
          entity: 'Nomination',
          field: 'reason',
          id: nominationId,
        }),
        at: now.toISOString(),
      }),
    )
  }
  const record = () =>
    commit(
      () =>
        executeTransactWrite(
          visitUpdate(deps, visit, after),
          ...writes,
          auditTransaction(store, {
            subject: auditSubject('visit', visitId),
            actor: actor.id,
            action: effects.completes ? 'visit.completed' : 'visit.not-reached',
            regionCode: visit.regionCode,
            at: now,
            before: {
              status: visit.status,
              version: visit.version,
              unreachedAttempts: visit.unreached.length,
            },
            after: {
              status: effects.completes ? 'completed' : 'planned',
              version: visit.version + 1,
              unreachedAttempts: visit.unreached.length + (effects.completes ? 0 : 1),
              // The notes and hardship reason stay encrypted on the visit; the trail says that there were some.
              outcome: sealed.outcome,
              privateTextSealed: sealed.outcomeCipher !== undefined,
              flags: effects.flags,
              extraVisit: extra?.visit.visitId,
            },
          }),
        ),
      visitId,
    )
  try {
    await record()
  } catch (error) {
    // The same attempt sent twice at once: the one that lost the race answers as the one that won.
    if (!(error instanceof ConflictError) || !outcome.submissionId) throw error
    const current = await loadVisit(deps, actor, visitId)
    const won = keptAttempt(current, outcome)
    if (won < 0) throw error
    return finishOutcome(deps, actor, current, consequencesOf(outcome, won), calendar)
  }
  return finishOutcome(deps, actor, visit, effects, calendar)
}

/**
 * The index of the attempt kept under the form's `submissionId`, or -1. The same key on another form is refused:
 * a key names one form.
 */
const keptAttempt = (visit: Visit, outcome: Outcome) => {
  if (!outcome.submissionId) return -1
  const i = visit.unreached.findIndex((a) => a.submissionId === outcome.submissionId)
  const a = visit.unreached[i]
  if (!a) return -1
  if (outcome.reached || a.method !== outcome.method || a.reason !== (outcome.notReachedReason ?? 'other')) {
    throw new ConflictError(`submissionId ${outcome.submissionId} was sent before with another form`)
  }
  return i
}

/**
 * What follows a recorded outcome outside its transaction, each step idempotent so that a retry of the same form
 * completes them: the visit's own timers stop, the extra visit's are enqueued if already swept, supervisors told.
 */
const finishOutcome = async (
  deps: AppDeps,
  actor: Actor,
  visit: Visit,
  effects: ReturnType<typeof consequencesOf>,
  calendar: Parameters<typeof visitTimers>[2],
) => {
  if (effects.completes) await cancelVisitTimers(deps, visit)
  const extra = effects.extraVisit ? await findVisit(deps, extraVisitIdOf(visit.visitId)) : undefined
  if (extra?.status === 'planned') {
    const reminders = remindersFor(extra.dueDate, extra.reminderRules as never, deps.clock.now(), calendar)
    await enqueueIfSwept(deps, visitTimers(extra, reminders, calendar))
  }
  for (const kind of effects.flags) await tellSupervisors(deps, visit, kind)
  return {
    ...(await visitView(deps, actor, await findVisit(deps, visit.visitId))),
    flags: effects.flags,
    extraVisitId: extra?.visitId,
    nominated: effects.nominateForScreening,
  }
}

const extraVisitIdOf = (visitId: string) => `${visitId}-x`

/** The extra visit after a dissatisfied or high-risk outcome: same petitioner and officer, due in five working days. */
const extraVisit = (visit: Visit, dueDate: string, now: Date) => {
  // The reminders of the visit it follows; minute-based rules (demonstrations) would not fit a working-day date.
  const own = (visit.reminderRules ?? []) as ReminderRule[]
  const reminderRules = own.every((r) => r.unit === 'workingDays') ? own : defaultCadence.resolved.reminders
  const visitId = extraVisitIdOf(visit.visitId)
  const item = {
    ...visit,
    visitId,
    kind: 'extra' as const,
    dueDate,
    dueAt: shanghaiInstant(dueDate, '09:00').toISOString(),
    provisional: false,
    triggeredAt: now.toISOString(),
    offset: { unit: 'workingDays', value: EXTRA_VISIT_WORKING_DAYS },
    reminderRules,
    status: 'planned' as const,
    plannedAt: now.toISOString(),
    unreached: [],
    outcome: undefined,
    appointmentAt: undefined,
    sms: undefined,
    version: 1,
  }
  const timers = (calendar: Parameters<typeof visitTimers>[2]) => {
    const reminders = remindersFor(dueDate, reminderRules, now, calendar)
    return visitTimers({ visitId, dueDate }, reminders, calendar)
  }
  return { visit: { ...item, reminderCount: reminderRules.length }, timers }
}

const shanghaiTime = (at: Date) => {
  const local = new Date(at.getTime() + 8 * 3600_000)
  return `${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`
}

/** An appointment: the petitioner gets an SMS with the time and the officer's name. */
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
  if (at <= now) throw new ValidationError([{ field: 'at', reason: 'must be in the future' }])
  // The same time again (a retry): the visit is not changed, and the SMS already queued for it is not sent twice.
  // Another time, even one set before (A, then B, then A again), is a new appointment with an SMS of its own.
  const again = visit.appointmentAt === at.toISOString()
  const notificationId = again
    ? (visit.appointmentNotificationId ?? `sms-appointment-${visitId}-${visit.version}`)
    : `sms-appointment-${visitId}-${visit.version + 1}`
  if (!again)
    await commit(
      () =>
        executeTransactWrite(
          visitUpdate(deps, visit, {
            appointmentAt: at.toISOString(),
            appointmentNotificationId: notificationId,
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
        ),
      visitId,
    )
  const [{ Item: officer }, { Item: petitioner }] = await Promise.all([
    store.Officer.build(GetItemCommand).key({ officerId: visit.officerId }).send(),
    store.Petitioner.build(GetItemCommand).key({ petitionerId: visit.petitionerId }).send(),
  ])
  if (petitioner) {
    await noteSmsOnVisit(deps, visitId, notificationId)
    await queueNotification(deps, {
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
  return visitView(deps, actor, await findVisit(deps, visitId))
}

/** The stop rule: after two consecutive satisfied visits the supervisor may close the remaining planned ones. */
export const closeRemainingVisits = async (
  deps: AppDeps,
  actor: Actor,
  caseId: string,
  input: z.infer<typeof closeRemainingInput>,
) => {
  // The visits of one event have ids `<caseId>.<eventId>-v1`, `-v2`…, each maybe followed by its extra visits (`-x`,
  // `-x-x`): read them in order until one is missing.
  const visits: Visit[] = []
  for (let n = 1; n <= 10; n++) {
    const visit = await findVisit(deps, visitIdOf({ caseId, eventId: input.triggerEventId }, n))
    if (!visit) break
    visits.push(visit)
    for (let extra = await findVisit(deps, extraVisitIdOf(visit.visitId)); extra; ) {
      visits.push(extra)
      extra = await findVisit(deps, extraVisitIdOf(extra.visitId))
    }
  }
  requireInScopeOrNotFound(
    actor,
    visits[0]?.caseId === caseId ? visits[0] : undefined,
    `visits of event ${input.triggerEventId} on case ${caseId}`,
  )
  const completed = visits
    .filter((v) => v.status === 'completed')
    .sort((a, b) => (a.completedAt ?? '').localeCompare(b.completedAt ?? ''))
  if (
    !mayCloseRemaining(
      completed.map((v) => {
        const outcome = v.outcome as Outcome | undefined
        return { satisfaction: outcome?.satisfaction, repeatPetitionRisk: outcome?.repeatPetitionRisk }
      }),
    )
  ) {
    throw new ConflictError(
      'the last two completed visits are not both satisfied with a low or medium risk: the remaining visits stay planned',
    )
  }
  const closed = []
  for (const visit of visits.filter((v) => v.status === 'planned')) {
    await cancelVisit(deps, actor, visit.visitId, { reason: `stop rule: ${input.reason}` })
    closed.push(visit.visitId)
  }
  return { caseId, closed }
}
