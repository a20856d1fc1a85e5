import {
  $add,
  executeTransactWrite,
  GetItemCommand,
  PutTransaction,
  QueryCommand,
  UpdateTransaction,
} from 'dynamodb-toolbox'
import type * as z from 'zod'
import { inScope, requireInScopeOrNotFound } from '../access/rules/object-scope.ts'
import type { Actor } from '../access/rules/roles.ts'
import { workingCalendar } from '../calendar/reader.ts'
import { businessDateOf, shanghaiInstant } from '../calendar/rules/business-time.ts'
import { auditSubject, auditTransaction, isConditionRefusal } from '../platform/audit.ts'
import type { AppDeps } from '../platform/deps.ts'
import { ConflictError, ForbiddenError, ValidationError } from '../platform/errors.ts'
import { enqueueIfSwept } from '../scheduling/timers.ts'
import { closedVisitIndexKeys, visitIndexKeys } from './entities.ts'
import { nearestStaff } from './plan-visits.ts'
import type { Offset } from './rules/cadence.ts'
import { catchUpDue, remindersFor } from './rules/plan.ts'
import { flagItem } from './visit-flags.ts'
import {
  type cancelInput,
  commit,
  findVisit,
  type leaveInput,
  loadVisit,
  type reassignInput,
  requireAssigned,
  requirePlanned,
  type rescheduleInput,
  type TransactionItem,
  type Visit,
  visitUpdate,
  visitView,
} from './visit-records.ts'
import { cancelVisitTimers, movedVisitTimers, visitTimers } from './visit-timers.ts'

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
      subject: auditSubject('visit', visitId),
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
      subject: auditSubject('officer', officerId),
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
          subject: auditSubject('visit', visitId),
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
          // A date a person chose, or counted from today: not provisional, so loading its year leaves it (the
          // recompute passes over a visit that is not).
          provisional: false,
          reminderCount: Math.max(visit.reminderCount, reminders.length),
        }),
        ...movedVisitTimers(store, config.TIMER_SHARDS, visit, timers, now),
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
      subject: auditSubject('visit', visitId),
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
