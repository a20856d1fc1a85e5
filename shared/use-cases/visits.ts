// Return visits after planning: the outcome and what follows from it, reminders and the overdue ladder,
// reassignment, cancelling, rescheduling, appointments and the stop rule. Every change is audited.
import { isDeepStrictEqual } from 'node:util'
import {
  $add,
  $append,
  $set,
  DeleteTransaction,
  type ExecuteTransactWriteInput,
  type ExecuteTransactWriteOptions,
  executeTransactWrite,
  GetItemCommand,
  PutItemCommand,
  PutTransaction,
  QueryCommand,
  UpdateTransaction,
} from 'dynamodb-toolbox'
import * as z from 'zod'
import { closedVisitIndexKeys, visitIndexKeys } from '../adapters/dynamodb/store.ts'
import type { AppDeps } from '../deps.ts'
import { inScope, requireInScopeOrNotFound } from '../domain/access/object-scope.ts'
import type { Actor } from '../domain/access/roles.ts'
import { strictObject } from '../domain/directory/fields.ts'
import { idSchema } from '../domain/directory/id.ts'
import { businessDateOf, shanghaiInstant } from '../domain/scheduling/business-time.ts'
import { defaultCadence, type Offset, type ReminderRule } from '../domain/visits/cadence.ts'
import {
  consequencesOf,
  EXTRA_VISIT_WORKING_DAYS,
  mayCloseRemaining,
  type Outcome,
} from '../domain/visits/outcome.ts'
import { catchUpDue, remindersFor } from '../domain/visits/plan.ts'
import { ConflictError, ForbiddenError, ValidationError } from '../errors.ts'
import { auditTransaction, isConditionRefusal, writeUnlessDone } from './audit.ts'
import { workingCalendar } from './calendar.ts'
import { queueNotification } from './notify.ts'
import { openAttempt, openOutcome, openPhone, sealOutcome } from './personal-data.ts'
import { nearestStaff, visitIdOf } from './plan-visits.ts'
import { closeTimer, enqueueIfSwept, getTimer, timerItem } from './timers.ts'
import { noteSmsOnVisit, smsAbout } from './visit-sms.ts'
import { cancelVisitTimers, movedVisitTimers, visitTimers } from './visit-timers.ts'

/** One write of a TransactWriteItems call, as dynamodb-toolbox types it. */
type TransactionItem = Exclude<ExecuteTransactWriteInput[number], ExecuteTransactWriteOptions>

const reason = z.string().trim().min(2, 'must say why (at least 2 characters)').max(1000)
const businessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')

export const reassignInput = strictObject({ officerId: idSchema, reason })
export const cancelInput = strictObject({ reason })
export const rescheduleInput = strictObject({ dueDate: businessDate, reason })
export const appointmentInput = strictObject({
  at: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant' }),
  note: z.string().max(500).optional(),
})
export const leaveInput = strictObject({ reason })
export const closeRemainingInput = strictObject({ triggerEventId: idSchema, reason })

type Visit = NonNullable<Awaited<ReturnType<typeof findVisit>>>

const findVisit = async ({ store }: AppDeps, visitId: string) =>
  (await store.Visit.build(GetItemCommand).key({ visitId }).send()).Item

/** A visit outside the caller's scope is answered as a missing one: 404, not a 403 that would say where it is. */
const loadVisit = async (deps: AppDeps, actor: Actor, visitId: string) =>
  requireInScopeOrNotFound(actor, await findVisit(deps, visitId), `visit ${visitId}`)

const requirePlanned = (visit: Visit) => {
  if (visit.status !== 'planned') throw new ConflictError(`visit ${visit.visitId} is ${visit.status}`)
}

/**
 * An officer works on the visits assigned to them; supervisors and administrators on any in their region. Checked
 * after `loadVisit`: the 403 goes only to an officer who may read the visit anyway.
 */
const requireAssigned = (actor: Actor, visit: Visit) => {
  if (actor.role === 'officer' && actor.id !== visit.officerId) {
    throw new ForbiddenError(`visit ${visit.visitId} is assigned to another officer`)
  }
}

/** The visit's version moves on with every change: a concurrent change is refused, not overwritten. */
const visitUpdate = (deps: AppDeps, visit: Visit, changes: Record<string, unknown>) =>
  deps.store.Visit.build(UpdateTransaction)
    .item({ visitId: visit.visitId, ...changes, version: visit.version + 1 })
    .options({ condition: { attr: 'version', eq: visit.version } })

const commit = async (run: () => Promise<unknown>, visitId: string) => {
  try {
    await run()
  } catch (error) {
    if (isConditionRefusal(error))
      throw new ConflictError(`visit ${visitId} changed meanwhile; read it again`)
    throw error
  }
}

export const getVisit = async (deps: AppDeps, actor: Actor, visitId: string) =>
  visitView(deps, actor, await loadVisit(deps, actor, visitId))

/**
 * What a caller sees of a visit. The outcome's notes and hardship reason are personal data: decrypted for the
 * assigned officer, supervisors, the committee and administrators of the region, never for another officer.
 */
const visitView = async (deps: AppDeps, actor: Actor, visit: Visit | undefined) => {
  if (!visit) return visit
  const { outcomeCipher: _, sms: smsIds, ...rest } = visit
  const mayRead = actor.role !== 'officer' || actor.id === visit.officerId
  const unreached = await Promise.all(
    visit.unreached.map(async ({ privateCipher, ...attempt }, i) =>
      mayRead && privateCipher
        ? { ...attempt, ...(await openAttempt(deps.crypto, visit.visitId, i + 1, privateCipher)) }
        : attempt,
    ),
  )
  return {
    ...rest,
    unreached,
    outcome: mayRead ? await openOutcome(deps.crypto, visit) : visit.outcome,
    sms: await smsAbout(deps, smsIds),
  }
}

const flagLabels = {
  dissatisfied: '回访不满意',
  'high-risk': '重复访、越级访风险高',
  'not-reached': '三次未能联系上信访人',
  overdue: '已逾期',
  'moved-while-overdue': '逾期后改期',
} as const
type FlagKind = keyof typeof flagLabels

/** Tells the supervisors of the visit's unit (the nearest unit that has one) by SMS; the flag itself is stored. */
const tellSupervisors = async (deps: AppDeps, visit: Visit, kind: FlagKind) => {
  const supervisors = await nearestStaff(deps, visit.unitId, 'supervisor')
  const { Item: officer } = await deps.store.Officer.build(GetItemCommand)
    .key({ officerId: visit.officerId })
    .send()
  for (const supervisor of supervisors) {
    await queueNotification(deps, {
      notificationId: `sms-flag-${flagIdOf(visit, kind)}-${supervisor.officerId}`,
      recipientType: 'officer',
      recipientId: supervisor.officerId,
      regionCode: visit.regionCode,
      phone: await openPhone(deps.crypto, 'Officer', supervisor.officerId, supervisor),
      locale: supervisor.locale,
      template: 'supervisor-visit-flag',
      params: {
        supervisorName: supervisor.name,
        officerName: officer?.name ?? visit.officerId,
        caseId: visit.caseId,
        sequence: String(visit.sequence),
        dueDate: visit.dueDate,
        reason: flagLabels[kind],
      },
    })
  }
  if (supervisors.length === 0) await warnNoSupervisor(deps, visit, kind)
}

/**
 * A flag no one can be told of: the visit's unit and every unit above it have no active supervisor. The flag and
 * the ledger are written all the same; administrators are warned, once per unit, to appoint one.
 */
const warnNoSupervisor = async (deps: AppDeps, visit: Visit, kind: FlagKind) => {
  deps.logger.warn('no supervisor to tell', { visitId: visit.visitId, unitId: visit.unitId, kind })
  await writeUnlessDone(
    deps.store.AdminWarning.build(PutItemCommand)
      .item({
        key: `no-supervisor-${visit.unitId}`,
        kind: 'no-supervisor',
        regionCode: visit.regionCode,
        message:
          `Unit ${visit.unitId} (region ${visit.regionCode}) and the units above it have no active supervisor: ` +
          `flags on its visits (first: ${flagLabels[kind]}, visit ${visit.visitId}) are recorded but told to no ` +
          'one. Appoint one in the unit or a unit above it: POST /admin/officers with the duty supervisor, or PUT ' +
          '/admin/officers/{officerId} to give a record that duty.',
        raisedAt: deps.clock.now().toISOString(),
      })
      .options({ condition: { attr: 'key', exists: false } })
      .send(),
  )
}

/** A visit is flagged once per kind; overdue and moved once per due date, since a moved visit can be late again. */
const flagIdOf = (visit: Visit, kind: FlagKind) =>
  kind === 'overdue' || kind === 'moved-while-overdue'
    ? `${kind}-${visit.visitId}-${visit.dueDate}`
    : `${kind}-${visit.visitId}`

const flagItem = (visit: Visit, kind: FlagKind, at: Date, detail: string) => ({
  flagId: flagIdOf(visit, kind),
  kind,
  visitId: visit.visitId,
  caseId: visit.caseId,
  petitionerId: visit.petitionerId,
  officerId: visit.officerId,
  unitId: visit.unitId,
  regionCode: visit.regionCode,
  raisedAt: at.toISOString(),
  detail,
})

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
        subject: `VISIT#${extra.visit.visitId}`,
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
            subject: `VISIT#${visitId}`,
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

/** `2026-03-04T01:00:00.000Z` → `202603040100`: a due time in an id. */
const compactMinute = (iso: string) => iso.slice(0, 16).replace(/\D/g, '')

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
  const notificationId = `sms-${timer.timerId}-${compactMinute(timer.dueAt)}`
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
          subject: `VISIT#${visit.visitId}`,
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
          subject: `VISIT#${visit.visitId}`,
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

export const reassignVisit = async (
  deps: AppDeps,
  actor: Actor,
  visitId: string,
  input: z.infer<typeof reassignInput>,
  /** A hand-over may go to the officer of an enclosing unit, outside the caller's own region. */
  options: { handOver?: boolean } = {},
) => {
  const { store, clock } = deps
  const visit = await loadVisit(deps, actor, visitId)
  requirePlanned(visit)
  const { Item: officer } = await store.Officer.build(GetItemCommand)
    .key({ officerId: input.officerId })
    .send()
  // An officer outside the caller's scope is refused as a missing one: the answer does not say where they work.
  if (!officer?.active || officer.duty !== 'officer' || (!options.handOver && !inScope(actor, officer))) {
    throw new ValidationError([
      { field: 'officerId', reason: `${input.officerId} is not an active officer in your scope` },
    ])
  }
  if (officer.officerId === visit.officerId)
    throw new ConflictError(`visit ${visitId} is already assigned to ${officer.officerId}`)
  const now = clock.now()
  const counters = [
    store.Officer.build(UpdateTransaction).item({ officerId: visit.officerId, openVisits: $add(-1) }),
    store.Officer.build(UpdateTransaction).item({ officerId: officer.officerId, openVisits: $add(1) }),
  ]
  const assignment = {
    officerId: officer.officerId,
    unitId: officer.unitId,
  }
  const audit = (after: Record<string, unknown>) =>
    auditTransaction(store, {
      subject: `VISIT#${visitId}`,
      actor: actor.id,
      action: 'visit.reassigned',
      regionCode: visit.regionCode,
      at: now,
      before: {
        officerId: visit.officerId,
        unitId: visit.unitId,
        dueDate: visit.dueDate,
        version: visit.version,
      },
      after: { ...assignment, version: visit.version + 1, reason: input.reason, ...after },
    })
  if (visit.dueAt <= now.toISOString()) {
    // Already due: the ladder starts again for the officer who takes it over, as for a visit planned late.
    const calendar = await workingCalendar(deps)
    const due = catchUpDue(visit.offset as Offset, now, calendar)
    await moveVisit(deps, visit, due.dueDate, due.dueAt, assignment, [
      ...counters,
      audit({ dueDate: due.dueDate, ladderRestarted: true }),
    ])
  } else {
    await commit(
      () =>
        executeTransactWrite(
          visitUpdate(deps, visit, { ...assignment, ...visitIndexKeys({ ...visit, ...assignment }) }),
          ...counters,
          audit({}),
        ),
      visitId,
    )
  }
  return visitView(deps, actor, await findVisit(deps, visitId))
}

/** The open visits of an officer, oldest due first. */
export const openVisitsOf = async ({ store }: AppDeps, officerId: string) => {
  const { Items = [] } = await store.table
    .build(QueryCommand)
    .entities(store.Visit)
    .query({ index: 'gsi1', partition: `OFFICER#${officerId}#VISITS` })
    .options({ maxPages: Number.POSITIVE_INFINITY, filters: { Visit: { attr: 'status', eq: 'planned' } } })
    .send()
  return Items
}

/** An officer who leaves hands every open visit to the officer with the fewest of the nearest unit: none orphaned. */
export const officerLeaves = async (
  deps: AppDeps,
  actor: Actor,
  officerId: string,
  input: z.infer<typeof leaveInput>,
) => {
  const { store } = deps
  const leaver = requireInScopeOrNotFound(
    actor,
    (await store.Officer.build(GetItemCommand).key({ officerId }).send()).Item,
    `officer ${officerId}`,
  )
  const open = await openVisitsOf(deps, officerId)
  const successors = await nearestStaff(deps, leaver.unitId, 'officer', officerId)
  if (open.length > 0 && successors.length === 0) {
    throw new ConflictError(`no active officer can take over the ${open.length} open visits of ${officerId}`)
  }
  if (!leaver.active && open.length === 0) throw new ConflictError(`officer ${officerId} has already left`)
  // Marked inactive first, so that no new visit is assigned meanwhile; called again after a failure part-way, it
  // hands over what is still open.
  if (leaver.active) await markLeft(deps, actor, leaver, input.reason, open.length)
  const handedTo: Record<string, string> = {}
  for (const visit of open) {
    // Round robin over the successors by their current load.
    const [next] = await nearestStaff(deps, leaver.unitId, 'officer', officerId)
    if (!next) throw new ConflictError(`no active officer can take over visit ${visit.visitId}`)
    await reassignVisit(
      deps,
      actor,
      visit.visitId,
      { officerId: next.officerId, reason: `${officerId} left: ${input.reason}` },
      { handOver: true },
    )
    handedTo[visit.visitId] = next.officerId
  }
  return { officerId, active: false, handedOver: handedTo }
}

const markLeft = async (
  { store, clock }: AppDeps,
  actor: Actor,
  leaver: { officerId: string; regionCode: string },
  reason: string,
  openVisits: number,
) => {
  const { officerId } = leaver
  await executeTransactWrite(
    store.Officer.build(UpdateTransaction)
      .item({ officerId, active: false })
      .options({ condition: { attr: 'active', eq: true } }),
    auditTransaction(store, {
      subject: `OFFICER#${officerId}`,
      actor: actor.id,
      action: 'officer.left',
      regionCode: leaver.regionCode,
      at: clock.now(),
      before: { active: true },
      after: { active: false, reason, openVisits },
    }),
  ).catch((error: unknown) => {
    if (isConditionRefusal(error)) throw new ConflictError(`officer ${officerId} has already left`)
    throw error
  })
}

export const cancelVisit = async (
  deps: AppDeps,
  actor: Actor,
  visitId: string,
  input: z.infer<typeof cancelInput>,
) => {
  const { store, clock } = deps
  const visit = await loadVisit(deps, actor, visitId)
  requirePlanned(visit)
  const now = clock.now()
  await commit(
    () =>
      executeTransactWrite(
        visitUpdate(deps, visit, {
          status: 'cancelled',
          cancelReason: input.reason,
          ...closedVisitIndexKeys(visit),
        }),
        store.Officer.build(UpdateTransaction).item({ officerId: visit.officerId, openVisits: $add(-1) }),
        auditTransaction(store, {
          subject: `VISIT#${visitId}`,
          actor: actor.id,
          action: 'visit.cancelled',
          regionCode: visit.regionCode,
          at: now,
          before: { status: visit.status, version: visit.version },
          after: { status: 'cancelled', version: visit.version + 1, reason: input.reason },
        }),
      ),
    visitId,
  )
  await cancelVisitTimers(deps, visit)
  return visitView(deps, actor, await findVisit(deps, visitId))
}

/** The years a visit's marks may be under: its due date's, and the next, where its reminders or ladder may fall. */
const provisionalYears = (visit: Visit) => {
  const year = Number(visit.dueDate.slice(0, 4))
  return [String(year), String(year + 1)]
}

/** Overdue: its due day has passed and it is still planned. From then on the ladder runs against its officer. */
const isOverdue = (visit: Visit, now: Date) => businessDateOf(now) > visit.dueDate

/**
 * Moves a visit to a new due date with its reminders and overdue ladder, in one transaction with the extra writes
 * given (audit, ledger, flag). A timer moved into a minute the sweeper has already read is sent at once.
 */
const moveVisit = async (
  deps: AppDeps,
  visit: Visit,
  dueDate: string,
  dueAt: Date,
  changes: Record<string, unknown>,
  writes: TransactionItem[],
) => {
  const { store, clock, config } = deps
  const now = clock.now()
  const calendar = await workingCalendar(deps)
  const reminders = remindersFor(dueDate, visit.reminderRules as never, now, calendar)
  const timers = visitTimers({ visitId: visit.visitId, dueDate }, reminders, calendar)
  const moved = { ...visit, ...changes, dueAt: dueAt.toISOString() }
  await commit(
    () =>
      executeTransactWrite(
        visitUpdate(deps, visit, {
          ...changes,
          dueDate,
          dueAt: dueAt.toISOString(),
          ...visitIndexKeys(moved),
          // A date a person chose, or counted from today: loading its year does not move it.
          provisional: false,
          reminderCount: Math.max(visit.reminderCount, reminders.length),
        }),
        ...movedVisitTimers(store, config.TIMER_SHARDS, visit, timers, now),
        // Its date is now chosen (or counted from today), not counted from its trigger: loading a year recomputes
        // it no more.
        ...provisionalYears(visit).map((year) =>
          store.ProvisionalMark.build(DeleteTransaction).key({ year, visitId: visit.visitId }),
        ),
        ...writes,
      ),
    visit.visitId,
  )
  await enqueueIfSwept(deps, timers)
}

/**
 * A visit is moved by its officer while it is not yet overdue. An overdue one only by a supervisor, with a
 * reason: each such move is flagged on the board and written on the accountability ledger,
 * so that moving a late visit cannot quietly reset its ladder.
 */
export const rescheduleVisit = async (
  deps: AppDeps,
  actor: Actor,
  visitId: string,
  input: z.infer<typeof rescheduleInput>,
) => {
  const { store, clock } = deps
  const visit = await loadVisit(deps, actor, visitId)
  requireAssigned(actor, visit)
  requirePlanned(visit)
  const now = clock.now()
  const overdue = isOverdue(visit, now)
  if (overdue && actor.role === 'officer') {
    throw new ForbiddenError(
      `visit ${visitId} is overdue (due ${visit.dueDate}): only a supervisor may move its due date`,
    )
  }
  const calendar = await workingCalendar(deps)
  if (input.dueDate < businessDateOf(now)) {
    throw new ValidationError([{ field: 'dueDate', reason: 'must not be in the past' }])
  }
  if (!calendar.isWorkingDay(input.dueDate)) {
    throw new ValidationError([{ field: 'dueDate', reason: `${input.dueDate} is not a working day` }])
  }
  const detail = `moved from ${visit.dueDate} to ${input.dueDate} by ${actor.id}: ${input.reason}`
  const onRecord = overdue
    ? [
        store.Flag.build(PutTransaction).item(flagItem(visit, 'moved-while-overdue', now, detail)),
        store.LedgerEntry.build(PutTransaction).item({
          entryId: `moved-${visit.visitId}-${visit.dueDate}`,
          kind: 'moved-while-overdue',
          visitId: visit.visitId,
          caseId: visit.caseId,
          officerId: visit.officerId,
          unitId: visit.unitId,
          regionCode: visit.regionCode,
          dueDate: visit.dueDate,
          recordedAt: now.toISOString(),
          detail,
        }),
      ]
    : []
  await moveVisit(deps, visit, input.dueDate, shanghaiInstant(input.dueDate, '09:00'), {}, [
    ...onRecord,
    auditTransaction(store, {
      subject: `VISIT#${visitId}`,
      actor: actor.id,
      action: 'visit.rescheduled',
      regionCode: visit.regionCode,
      at: now,
      before: { dueDate: visit.dueDate, provisional: visit.provisional, version: visit.version },
      after: { dueDate: input.dueDate, version: visit.version + 1, reason: input.reason, overdue },
    }),
  ])
  return visitView(deps, actor, await findVisit(deps, visitId))
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
            subject: `VISIT#${visitId}`,
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
