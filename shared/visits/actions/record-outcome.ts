// Records what a visit found, and what follows from it: the visit completed (on time or late) or the attempt kept,
// an extra visit, flags to the supervisor, a nomination for the annual screening. Every change is audited.
import { isDeepStrictEqual } from 'node:util'
import type { Actor } from '../../access/rules/roles.ts'
import { completedLateEntry, overdueEntryOf } from '../../accountability/store.ts'
import { businessDateOf } from '../../calendar/rules/business-time.ts'
import type { WorkingCalendar } from '../../calendar/rules/working-calendar.ts'
import { auditSubject, auditTransaction } from '../../platform/audit.ts'
import { openOutcome, sealOutcome } from '../../platform/crypto/personal-data.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { ConflictError } from '../../platform/errors.ts'
import { visitNomination } from '../../screening/nominations.ts'
import { visitPorts } from '../ports.ts'
import { extraVisitDueDate, extraVisitOf } from '../rules/extra-visit.ts'
import { flagLabels, flagOf } from '../rules/flags.ts'
import { extraVisitIdOf, timerIdsOfVisit } from '../rules/ids.ts'
import { attemptOf, completedOnTime, consequencesOf, keptAttempt, type Outcome } from '../rules/outcome.ts'
import { remindersFor } from '../rules/plan.ts'
import { requireAssigned, requirePlanned } from '../rules/visit-access.ts'
import { visitTimers } from '../rules/visit-timers.ts'
import { flagWrite, timerWrites } from '../store/records.ts'
import { findVisit, saveVisits, type Visit, type VisitChange } from '../store/visits.ts'
import { commitVisitChange, type Write } from '../store/writes.ts'
import { loadVisit, visitView } from './get-visit.ts'
import { tellSupervisors } from './tell-supervisors.ts'

/**
 * Reached: the visit is completed (on time or late); a dissatisfied petitioner or a high risk adds an extra visit
 * within five working days and flags the supervisor; hardship nominates the petitioner for the annual screening.
 * Not reached: the attempt is kept; the third time the supervisor is flagged.
 */
export const recordOutcome = async (deps: AppDeps, actor: Actor, visitId: string, outcome: Outcome) => {
  const { store, clock, config } = deps
  const visit = await loadVisit(deps, actor, visitId)
  requireAssigned(actor, visit)
  const calendar = await visitPorts(deps).calendar()
  if (visit.status === 'completed' && isDeepStrictEqual(await openOutcome(deps.crypto, visit), outcome)) {
    // The same form sent again (a retry after a lost answer): finish what follows it, record nothing twice.
    return finishOutcome(deps, actor, visit, consequencesOf(outcome, visit.unreached.length), calendar)
  }
  const kept = keptAttempt(visit.unreached, outcome)
  if (kept >= 0) {
    // An attempt already kept under this key: answer as the first time did.
    return finishOutcome(deps, actor, visit, consequencesOf(outcome, kept), calendar)
  }
  requirePlanned(visit)
  const now = clock.now()
  const today = businessDateOf(now)
  const effects = consequencesOf(outcome, visit.unreached.length)
  const sealed = await sealOutcome(
    deps.crypto,
    visitId,
    outcome,
    effects.completes ? 'outcome' : `unreached-${visit.unreached.length + 1}`,
  )

  const writes: Write[] = []
  let change: VisitChange
  if (effects.completes) {
    change = {
      status: 'completed',
      completedAt: now.toISOString(),
      completedOnTime: completedOnTime(today, visit.dueDate),
      outcome: sealed.outcome,
      outcomeCipher: sealed.outcomeCipher,
    }
    const overdue = await overdueEntryOf(store, visitId, visit.dueDate)
    if (overdue) writes.push(completedLateEntry(store, overdue, now, today))
  } else {
    change = { attempt: attemptOf(outcome, actor.id, now, sealed.outcomeCipher) }
  }

  const extra = effects.extraVisit ? extraVisitOf(visit, extraVisitDueDate(today, calendar), now) : undefined
  if (extra) {
    const reminders = remindersFor(extra.dueDate, extra.reminderRules, now, calendar)
    writes.push(
      ...timerWrites(store, config.TIMER_SHARDS, visitTimers(extra, reminders, calendar)),
      auditTransaction(store, {
        subject: auditSubject('visit', extra.visitId),
        actor: actor.id,
        action: 'visit.planned-extra',
        regionCode: visit.regionCode,
        at: now,
        after: {
          status: 'planned',
          dueDate: extra.dueDate,
          officerId: extra.officerId,
          after: visitId,
          because: effects.flags,
        },
      }),
    )
  }
  // A flag names what happened, not the officer's notes (personal data, kept encrypted with the outcome).
  for (const kind of effects.flags) writes.push(flagWrite(store, flagOf(visit, kind, now, flagLabels[kind])))
  if (effects.nominateForScreening && outcome.hardship) {
    writes.push(
      await visitNomination(store, deps.crypto, {
        visitId,
        petitionerId: visit.petitionerId,
        regionCode: visit.regionCode,
        nominatedBy: actor.id,
        reason: outcome.hardship.reason,
        on: today,
        at: now,
      }),
    )
  }
  const record = () =>
    commitVisitChange(visitId, [
      // The visit, the extra one, and its officer's open visits moved by the net change.
      ...saveVisits(store, { changed: [{ visit, change }], added: extra ? [extra] : [] }),
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
          extraVisit: extra?.visitId,
        },
      }),
    ])
  try {
    await record()
  } catch (error) {
    // The same attempt sent twice at once: the one that lost the race answers as the one that won.
    if (!(error instanceof ConflictError) || !outcome.submissionId) throw error
    const current = await loadVisit(deps, actor, visitId)
    const won = keptAttempt(current.unreached, outcome)
    if (won < 0) throw error
    return finishOutcome(deps, actor, current, consequencesOf(outcome, won), calendar)
  }
  return finishOutcome(deps, actor, visit, effects, calendar)
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
  calendar: WorkingCalendar,
) => {
  const ports = visitPorts(deps)
  if (effects.completes) await ports.cancelTimers(timerIdsOfVisit(visit))
  const extra = effects.extraVisit ? await findVisit(deps.store, extraVisitIdOf(visit.visitId)) : undefined
  if (extra?.status === 'planned') {
    const reminders = remindersFor(extra.dueDate, extra.reminderRules as never, deps.clock.now(), calendar)
    await ports.enqueueIfSwept(visitTimers(extra, reminders, calendar))
  }
  for (const kind of effects.flags) await tellSupervisors(deps, visit, kind)
  return {
    ...(await visitView(deps, actor, await findVisit(deps.store, visit.visitId))),
    flags: effects.flags,
    extraVisitId: extra?.visitId,
    nominated: effects.nominateForScreening,
  }
}
