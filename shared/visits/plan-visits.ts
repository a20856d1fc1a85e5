// The visit planner: a case event becomes the return visits of its cadence, assigned and with reminder timers.
import {
  $add,
  executeTransactWrite,
  GetItemCommand,
  PutTransaction,
  QueryCommand,
  UpdateTransaction,
} from 'dynamodb-toolbox'
import { regionAncestry, regionCodeOfPrefix } from '../access/rules/region-scope.ts'
import { warnCalendarMissing } from '../calendar/actions/warn-calendar-missing.ts'
import { datedVisit } from '../calendar/dated-visit.ts'
import { workingCalendar } from '../calendar/reader.ts'
import { provisionalMarks } from '../calendar/store.ts'
import { type CaseEventMessage, eventKeyOf } from '../matters/rules/events.ts'
import { queueNotification } from '../notifications/notify.ts'
import { auditSubject, auditTransaction, isConditionRefusal } from '../platform/audit.ts'
import { openPhone } from '../platform/crypto/personal-data.ts'
import type { AppDeps } from '../platform/deps.ts'
import { AppError } from '../platform/errors.ts'
import { enqueueIfSwept, type NewTimer, timerItem } from '../scheduling/timers.ts'
import {
  type CadencePolicy,
  cadencePolicySchema,
  defaultCadence,
  type VisitTrigger,
} from './rules/cadence.ts'
import { planVisits } from './rules/plan.ts'
import { noteSmsOnVisit } from './visit-sms.ts'
import { visitTimers } from './visit-timers.ts'

export const PLANNER = 'visit-planner'

/** The most specific policy for the region: its own, then each enclosing region's, then the default. */
export const cadenceFor = async ({ store, logger }: AppDeps, regionCode: string, trigger: VisitTrigger) => {
  for (const candidate of regionAncestry(regionCode)) {
    const { Item } = await store.CadencePolicy.build(GetItemCommand)
      .key({ regionCode: candidate, trigger })
      .send()
    if (!Item) continue
    // A policy saved before today's limits: the region above plans instead of every event failing.
    const parsed = cadencePolicySchema.safeParse(Item.policy)
    if (!parsed.success) {
      logger.warn('cadence policy no longer valid: the region above applies', {
        regionCode: regionCodeOfPrefix(candidate),
        trigger,
        problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      })
      continue
    }
    return {
      policy: parsed.data,
      version: Item.version,
      // The region it was saved for, as a division code (a province's `33` is 330000), as the listing shows it.
      regionCode: regionCodeOfPrefix(candidate),
    }
  }
  return { policy: defaultCadence[trigger] as CadencePolicy, version: 0, regionCode: 'default' }
}

export class NoActiveOfficerError extends AppError {
  constructor(unitId: string) {
    super(`no active officer in unit ${unitId} or any unit above it`, 500)
  }
}

/**
 * The nearest unit (village → township → county) with active staff of a duty, and its staff, fewest open visits
 * first. `except` leaves out an officer who is handing work over.
 */
export const nearestStaff = async (
  { store }: AppDeps,
  unitId: string,
  duty: 'officer' | 'supervisor',
  except?: string,
) => {
  for (let current: string | undefined = unitId, depth = 0; current && depth < 6; depth++) {
    const { Items = [] } = await store.table
      .build(QueryCommand)
      .entities(store.Officer)
      .query({ index: 'gsi1', partition: `UNIT#${current}#OFFICERS` })
      .send()
    const active = Items.filter((o) => o.active && o.duty === duty && o.officerId !== except).sort(
      (a, b) => a.openVisits - b.openVisits || a.officerId.localeCompare(b.officerId),
    )
    if (active.length > 0) return active
    const { Item: unit } = await store.Unit.build(GetItemCommand).key({ unitId: current }).send()
    current = unit?.parentUnitId
  }
  return []
}

/** The officer of the nearest unit with an active officer, balancing open visits. */
export const assignOfficer = async (deps: AppDeps, unitId: string, except?: string) => {
  const [officer] = await nearestStaff(deps, unitId, 'officer', except)
  if (!officer) throw new NoActiveOfficerError(unitId)
  return officer
}

/** The visits of one event: `<caseId>.<eventId>-v1`, `-v2`… (see eventKeyOf). */
export const visitIdOf = (event: { caseId: string; eventId: string }, sequence: number) =>
  `${eventKeyOf(event)}-v${sequence}`

/** Plans the visits of one case event. Delivered twice, it plans once: the visits' conditional puts refuse. */
export const planVisitsForEvent = async (deps: AppDeps, event: CaseEventMessage) => {
  const { store, clock, config } = deps
  const trigger = event.type as VisitTrigger
  const { policy, version, regionCode: policyRegion } = await cadenceFor(deps, event.regionCode, trigger)
  const now = clock.now()
  const calendar = await workingCalendar(deps)
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
    caseId: event.caseId,
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
  const timers: NewTimer[] = planned.flatMap((p) =>
    visitTimers({ visitId: visitIdOf(event, p.sequence), dueDate: p.dueDate }, p.reminders, calendar),
  )

  const caughtUp = planned.find((p) => p.catchUp) ? visitIdOf(event, 1) : undefined
  const pastPoints = policy.visits.length - planned.length + (caughtUp ? 1 : 0)

  try {
    await executeTransactWrite(
      ...visits.map((v) =>
        store.Visit.build(PutTransaction)
          .item(v)
          .options({ condition: { attr: 'visitId', exists: false } }),
      ),
      ...timers.map((t) => store.Timer.build(PutTransaction).item(timerItem(t, config.TIMER_SHARDS))),
      ...visits.flatMap((v, n) => provisionalMarks(store, v.visitId, unloadedYears(n))),
      store.Officer.build(UpdateTransaction)
        .item({ officerId: officer.officerId, openVisits: $add(visits.length) })
        .options({ condition: { attr: 'active', eq: true } }),
      auditTransaction(store, {
        subject: auditSubject('case', event.caseId),
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
    )
  } catch (error) {
    if (!isConditionRefusal(error)) throw error
    const { Item: first } = await store.Visit.build(GetItemCommand)
      .key({ visitId: visitIdOf(event, 1) })
      .send()
    // Either this event was planned before (a redelivery), or the officer left meanwhile: then retry.
    if (!first) throw error
    // The first delivery may have stopped before its last steps: finish them (each is idempotent).
    await enqueueIfSwept(deps, timers)
    await tellPetitioner(deps, event, first.dueDate)
    return { visits: [], replayed: true }
  }
  await enqueueIfSwept(deps, timers)
  await warnCalendarMissing(
    deps,
    visits.flatMap((_, n) => unloadedYears(n)),
  )
  if (visits[0]) await tellPetitioner(deps, event, visits[0].dueDate)
  return { visits, replayed: false }
}

/** The petitioner's right to know: the matter is concluded and a return visit will come by its date. */
const tellPetitioner = async (deps: AppDeps, event: CaseEventMessage, firstDueDate: string) => {
  const { Item: petitioner } = await deps.store.Petitioner.build(GetItemCommand)
    .key({ petitionerId: event.petitionerId })
    .send()
  if (!petitioner) return
  const notificationId = `sms-${eventKeyOf(event)}-petitioner`
  await noteSmsOnVisit(deps, visitIdOf(event, 1), notificationId)
  await queueNotification(deps, {
    notificationId,
    recipientType: 'petitioner',
    recipientId: petitioner.petitionerId,
    regionCode: petitioner.regionCode,
    phone: await openPhone(deps.crypto, 'Petitioner', petitioner.petitionerId, petitioner),
    locale: petitioner.locale,
    template: 'petitioner-visit-planned',
    params: { petitionerName: petitioner.name, caseId: event.caseId, dueDate: firstDueDate },
  })
}
