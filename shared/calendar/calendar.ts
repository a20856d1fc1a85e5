// The working-day calendar in use: the shipped years plus those an administrator loaded. Loading a year recomputes
// the visits whose dates were counted on weekends only, and clears the warning that asked for it.
import {
  $remove,
  ConditionCheck,
  DeleteItemCommand,
  DeleteTransaction,
  type ExecuteTransactWriteInput,
  executeTransactWrite,
  type FormattedItem,
  GetItemCommand,
  PutTransaction,
  QueryCommand,
  UpdateTransaction,
} from 'dynamodb-toolbox'
import pMap from 'p-map'
import { regionCovers } from '../access/rules/region-scope.ts'
import { type Actor, isProvincialAdmin, requireProvincialAdmin } from '../access/rules/roles.ts'
import { auditSubject, auditTransaction, isConditionRefusal, writeUnlessDone } from '../platform/audit.ts'
import type { AppDeps } from '../platform/deps.ts'
import { ConflictError } from '../platform/errors.ts'
import { enqueueIfSwept, type NewTimer, timerItem } from '../scheduling/timers.ts'
import { visitIndexKeys } from '../visits/entities.ts'
import type { Offset, ReminderRule } from '../visits/rules/cadence.ts'
import { planVisit } from '../visits/rules/plan.ts'
import { visitTimers } from '../visits/rules/visit-timers.ts'
import { businessDateOf } from './rules/business-time.ts'
import type { CalendarYearInput } from './rules/calendar-year.ts'
import { officialCalendarYears } from './rules/official-calendar.ts'
import { WorkingCalendar } from './rules/working-calendar.ts'

/** Loaded years change a few times a year; a process re-reads them at most this often. */
const CACHE_MS = 60_000
const cache = new Map<string, { at: number; calendar: Promise<WorkingCalendar> }>()

/** The calendar as stored now (the shipped years and those loaded), not cached: for the sweeper and a load. */
export const currentCalendar = async ({ store }: AppDeps): Promise<WorkingCalendar> => {
  const { Items = [] } = await store.table
    .build(QueryCommand)
    .entities(store.CalendarYear)
    .query({ partition: 'CALENDAR' })
    .options({ consistent: true })
    .send()
  const loaded = Object.fromEntries(
    Items.map((y) => [y.year, { source: y.source, off: y.off, work: y.work }]),
  )
  return new WorkingCalendar({ ...officialCalendarYears(), ...loaded })
}

export const workingCalendar = (deps: AppDeps): Promise<WorkingCalendar> => {
  const key = deps.config.TABLE_NAME
  const hit = cache.get(key)
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.calendar
  const calendar = currentCalendar(deps)
  cache.set(key, { at: Date.now(), calendar })
  calendar.catch(() => cache.delete(key))
  return calendar
}

const warningKey = (year: string) => `calendar-${year}`

const calendarWarning = (year: string, raisedAt: Date) => ({
  key: warningKey(year),
  kind: 'calendar-year-missing',
  message: `The holiday arrangement of ${year} is not loaded: dates in ${year} are counted on weekends only and marked provisional. Load it with POST /admin/calendar-years.`,
  raisedAt: raisedAt.toISOString(),
  national: true,
})

/**
 * One warning per missing year, however many visits it makes provisional or however often it is asked. Raised only
 * while the year is still not loaded (checked in the same transaction): a caller counting on a calendar cached before
 * the year was loaded raises nothing after the load cleared it.
 */
export const warnCalendarMissing = async (deps: AppDeps, years: string[]) => {
  const { store, clock, logger } = deps
  const shipped = officialCalendarYears()
  for (const year of new Set(years)) {
    if (shipped[year]) continue
    try {
      await executeTransactWrite(
        store.CalendarYear.build(ConditionCheck).key({ year }).condition({ attr: 'year', exists: false }),
        store.AdminWarning.build(PutTransaction)
          .item(calendarWarning(year, clock.now()))
          .options({ condition: { attr: 'key', exists: false } }),
      )
    } catch (error) {
      if (isConditionRefusal(error)) continue // loaded meanwhile, or warned already
      throw error
    }
    logger.warn('holiday arrangement missing: dates provisional', { year })
  }
}

/** The State Council publishes a year's arrangement around November of the year before. */
const WARN_FROM = '11-01'

/**
 * From 1 November (Asia/Shanghai), next year's arrangement not loaded: the same one-per-year warning as a visit
 * dated in that year raises, before any visit lands in it. Called by the sweeper every minute: one read of the
 * warning while it is there.
 */
export const warnNextYearMissing = async (deps: AppDeps) => {
  const today = businessDateOf(deps.clock.now())
  if (today.slice(5) < WARN_FROM) return undefined
  const next = String(Number(today.slice(0, 4)) + 1)
  if (officialCalendarYears()[next]) return undefined
  const { Item: warned } = await deps.store.AdminWarning.build(GetItemCommand)
    .key({ key: warningKey(next) })
    .send()
  if (warned) return next
  await warnCalendarMissing(deps, [next])
  return next
}

type Warning = FormattedItem<AppDeps['store']['AdminWarning']>

/**
 * The region of a warning raised without one (a timer given up, written before warnings carried their region): the
 * region of what the timer was about, a visit or a notification.
 */
const regionOfTimerWarning = async ({ store }: AppDeps, warning: Warning) => {
  if (warning.kind !== 'timer-failed' || !warning.key.startsWith('timer-failed-')) return undefined
  const timerId = warning.key.slice('timer-failed-'.length)
  const { Item: timer } = await store.Timer.build(GetItemCommand).key({ timerId }).send()
  if (!timer) return undefined
  if (timer.kind === 'deferred-sms') {
    const { Item } = await store.Notification.build(GetItemCommand)
      .key({ notificationId: timer.subjectId })
      .send()
    return Item?.regionCode
  }
  const { Item } = await store.Visit.build(GetItemCommand).key({ visitId: timer.subjectId }).send()
  return Item?.regionCode
}

/**
 * What the caller must act on: national warnings (a holiday arrangement to load) for everyone, and those about a
 * region within the caller's scope. A warning whose region cannot be told is shown only to administrators of a
 * province or above. Without a caller, national warnings only.
 */
export const listWarnings = async (deps: AppDeps, actor: Actor) => {
  const { store } = deps
  const { Items = [] } = await store.table
    .build(QueryCommand)
    .entities(store.AdminWarning)
    .query({ partition: 'WARNING' })
    .options({ maxPages: Number.POSITIVE_INFINITY })
    .send()
  const visible = await pMap(
    Items,
    async (w) => {
      if (w.national) return w
      if (!actor) return undefined
      const regionCode = w.regionCode ?? (await regionOfTimerWarning(deps, w))
      if (regionCode === undefined) return isProvincialAdmin(actor) ? w : undefined
      return regionCovers(actor.regionCode, regionCode) ? { ...w, regionCode } : undefined
    },
    { concurrency: 8 },
  )
  return visible.filter((w): w is Warning => w !== undefined)
}

/**
 * Every date of a visit counted from its trigger on a calendar: its due date, all its reminders (none dropped for
 * being past) and its overdue ladder, with the years not loaded that any of them was counted across or into. The
 * visit is provisional when there is one; it is marked under each (`provisionalMarks`), and recomputed when each
 * is loaded. For the planner and a reschedule as for a recompute.
 */
export const datedVisit = (
  visit: {
    visitId: string
    offset: Offset
    reminderRules: ReminderRule[]
    triggeredAt: string
    /** When it was planned: a visit already due then was given five working days from then (decision 0016). */
    plannedAt: string
  },
  calendar: WorkingCalendar,
) => {
  const plan = planVisit(
    visit.offset,
    visit.reminderRules,
    new Date(visit.triggeredAt),
    new Date(0),
    calendar,
    new Date(visit.plannedAt),
  )
  const timers = visitTimers({ visitId: visit.visitId, dueDate: plan.dueDate }, plan.reminders, calendar)
  const dates = [plan.dueDate, ...timers.map((t) => businessDateOf(t.dueAt))]
  // Counted across a year not loaded without landing in it (a working-day offset from a year not loaded).
  if (plan.provisional) dates.push(businessDateOf(new Date(visit.triggeredAt)))
  const unloadedYears = calendar.unloadedYears(dates)
  return { plan, timers, unloadedYears, provisional: unloadedYears.length > 0 }
}

/**
 * The marks of a provisional visit, one per year not loaded that its dates depend on: put them in the transaction
 * that writes the visit (`datedVisit(...).unloadedYears`).
 */
export const provisionalMarks = (store: AppDeps['store'], visitId: string, years: readonly string[]) =>
  years.map((year) => store.ProvisionalMark.build(PutTransaction).item({ year, visitId }))

const ACTIVE = ['pending', 'enqueued'] as const

/**
 * Recomputes one visit marked under `markYear` with the calendar now loaded: its due date, every reminder and its
 * overdue ladder move in one transaction with the visit, its audit entry and its marks (the year's mark removed,
 * one put for each year still not loaded). A timer fired already is left as it is; one moved meanwhile, or a visit
 * changed meanwhile, refuses the transaction, and the visit is read again and recomputed. Stopped half-way, nothing
 * is written and the mark is still there: the sweeper resumes it (resumeRecomputes).
 */
const recomputeVisit = async (
  deps: AppDeps,
  calendar: WorkingCalendar,
  visitId: string,
  markYear: string,
): Promise<boolean> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await recomputeOnce(deps, calendar, visitId, markYear)
    } catch (error) {
      if (!isConditionRefusal(error) || attempt >= 5) throw error
    }
  }
}

const recomputeOnce = async (deps: AppDeps, calendar: WorkingCalendar, visitId: string, markYear: string) => {
  const { store, clock, config } = deps
  const dropMark = store.ProvisionalMark.build(DeleteTransaction).key({ year: markYear, visitId })
  const { Item: visit } = await store.Visit.build(GetItemCommand)
    .key({ visitId })
    .options({ consistent: true })
    .send()
  // Done, cancelled, or moved to a date a person chose (a reschedule, a hand-over: no longer provisional): nothing
  // of it is counted from its trigger any more, and a recompute would undo the move.
  if (visit?.status !== 'planned' || !visit.provisional) {
    await executeTransactWrite(dropMark)
    return false
  }
  const now = clock.now()
  const dated = datedVisit(
    {
      visitId,
      offset: visit.offset as Offset,
      reminderRules: visit.reminderRules as ReminderRule[],
      triggeredAt: visit.triggeredAt,
      plannedAt: visit.plannedAt,
    },
    calendar,
  )
  const { plan } = dated
  const reminders = dated.timers.filter((t) => t.kind === 'visit-reminder')
  const reminderCount = Math.max(reminders.length, visit.reminderCount)
  // Reminders past the new plan's count are cancelled; all the others (and the ladder) move to their new time.
  const wanted: (NewTimer | { timerId: string; cancel: true })[] = [
    ...dated.timers,
    ...Array.from({ length: reminderCount - reminders.length }, (_, n) => ({
      timerId: `${visitId}-r${reminders.length + n + 1}`,
      cancel: true as const,
    })),
  ]
  const existing = await Promise.all(
    wanted.map(
      async (t) =>
        (
          await store.Timer.build(GetItemCommand)
            .key({ timerId: t.timerId })
            .options({ consistent: true })
            .send()
        ).Item,
    ),
  )
  const moved: NewTimer[] = []
  type Write = ExecuteTransactWriteInput[number]
  const timerWrites = wanted.flatMap((t, i): Write[] => {
    const current = existing[i]
    const active = current && (ACTIVE as readonly string[]).includes(current.status)
    const unchanged = {
      and: [
        { attr: 'status', in: [...ACTIVE] },
        { attr: 'dueAt', eq: current?.dueAt ?? '' },
      ],
    }
    if ('cancel' in t) {
      if (!active) return []
      return [
        store.Timer.build(UpdateTransaction)
          .item({
            timerId: t.timerId,
            status: 'void',
            firedAt: now.toISOString(),
            gsi2pk: $remove(),
            gsi2sk: $remove(),
          })
          .options({ condition: unchanged as never }),
      ]
    }
    if (!current) {
      // A reminder the old dates did not have, or a ladder step never written: new, unless its time has passed.
      if (t.kind === 'visit-reminder' && t.dueAt.getTime() < now.getTime()) return []
      moved.push(t)
      return [
        store.Timer.build(PutTransaction)
          .item(timerItem(t, config.TIMER_SHARDS))
          .options({ condition: { attr: 'timerId', exists: false } }),
      ]
    }
    if (!active || Date.parse(current.dueAt) === t.dueAt.getTime()) return [] // fired already, or not moved
    moved.push(t)
    const { gsi2pk, gsi2sk, dueAt } = timerItem(t, config.TIMER_SHARDS)
    return [
      store.Timer.build(UpdateTransaction)
        .item({ timerId: t.timerId, dueAt, status: 'pending', attempts: 0, gsi2pk, gsi2sk })
        .options({ condition: unchanged as never }),
    ]
  })
  const after = {
    dueDate: plan.dueDate,
    dueAt: plan.dueAt.toISOString(),
    provisional: dated.provisional,
    reminderCount,
  }
  const visitChanged =
    after.dueDate !== visit.dueDate ||
    after.dueAt !== visit.dueAt ||
    after.provisional !== visit.provisional ||
    after.reminderCount !== visit.reminderCount ||
    timerWrites.length > 0
  const marks: Write[] = [
    ...(dated.unloadedYears.includes(markYear) ? [] : [dropMark]),
    ...provisionalMarks(store, visitId, dated.unloadedYears),
  ]
  const writes: Write[] = [
    ...(visitChanged
      ? [
          store.Visit.build(PutTransaction)
            .item({
              ...visit,
              ...after,
              version: visit.version + 1,
              ...visitIndexKeys({ ...visit, dueAt: after.dueAt }),
            })
            .options({ condition: { attr: 'version', eq: visit.version } }),
          auditTransaction(store, {
            subject: auditSubject('visit', visitId),
            actor: 'calendar',
            action: 'visit.recomputed',
            regionCode: visit.regionCode,
            at: now,
            before: { dueDate: visit.dueDate, provisional: visit.provisional },
            after: {
              dueDate: after.dueDate,
              provisional: after.provisional,
              timers: moved.map((t) => ({ timerId: t.timerId, dueAt: t.dueAt.toISOString() })),
            },
          }),
        ]
      : [
          store.Visit.build(ConditionCheck)
            .key({ visitId })
            .condition({ attr: 'version', eq: visit.version }),
        ]),
    ...timerWrites,
    ...marks,
  ]
  await executeTransactWrite(...(writes as Parameters<typeof executeTransactWrite>))
  if (moved.length > 0) await enqueueIfSwept(deps, moved)
  await warnCalendarMissing(deps, dated.unloadedYears)
  return after.dueDate !== visit.dueDate
}

/** Marks of one year recomputed at a time by one call: the sweeper's share of a minute. */
const RESUME_BATCH = 50

const recomputeMarked = async (deps: AppDeps, calendar: WorkingCalendar, year: string, limit?: number) => {
  const { Items: marks = [] } = await deps.store.table
    .build(QueryCommand)
    .entities(deps.store.ProvisionalMark)
    .query({ partition: `PROVISIONAL#${year}` })
    .options(limit ? { limit } : { maxPages: Number.POSITIVE_INFINITY })
    .send()
  const moved = await pMap(marks, ({ visitId }) => recomputeVisit(deps, calendar, visitId, year), {
    concurrency: 8,
  })
  return { recomputed: marks.length, moved: moved.filter(Boolean).length }
}

/**
 * The sweeper's part in a load: a year loaded whose marks are still there (the load stopped half-way, or a planner
 * counting on a calendar cached before the load marked a visit after it) is recomputed, a batch a minute, and a
 * warning left for a loaded year is cleared. Looks at last year, this year and the two after.
 */
export const resumeRecomputes = async (deps: AppDeps) => {
  const thisYear = Number(businessDateOf(deps.clock.now()).slice(0, 4))
  const years = [thisYear - 1, thisYear, thisYear + 1, thisYear + 2].map(String)
  let calendar: WorkingCalendar | undefined
  let recomputed = 0
  for (const year of years) {
    calendar ??= await currentCalendar(deps)
    if (!calendar.hasYear(year)) continue
    recomputed += (await recomputeMarked(deps, calendar, year, RESUME_BATCH)).recomputed
    if (!officialCalendarYears()[year]) {
      await writeUnlessDone(
        deps.store.AdminWarning.build(DeleteItemCommand)
          .key({ key: warningKey(year) })
          .options({ condition: { attr: 'key', exists: true } })
          .send(),
      )
    }
  }
  return { recomputed }
}

/**
 * A holiday arrangement is national (the State Council's): it changes deadlines in every region, so only an
 * administrator of a province or above may load one, not a county's or a township's.
 */
export const loadCalendarYear = async (deps: AppDeps, actor: Actor, input: CalendarYearInput) => {
  const { store, clock } = deps
  requireProvincialAdmin(actor, 'a holiday arrangement applies nationwide')
  if (officialCalendarYears()[input.year]) {
    throw new ConflictError(
      `${input.year} ships with Aftercare (the State Council's arrangement); it is not replaced`,
    )
  }
  const { Item: before } = await store.CalendarYear.build(GetItemCommand).key({ year: input.year }).send()
  const now = clock.now()
  const year = { ...input, loadedAt: now.toISOString(), loadedBy: actor.id }
  await executeTransactWrite(
    store.CalendarYear.build(PutTransaction).item(year),
    auditTransaction(store, {
      subject: auditSubject('calendar-year', input.year),
      actor: actor.id,
      action: before ? 'calendar-year.replaced' : 'calendar-year.loaded',
      regionCode: '',
      at: now,
      before,
      after: year,
    }),
  )
  cache.delete(deps.config.TABLE_NAME)
  const calendar = await currentCalendar(deps)
  const result = await recomputeMarked(deps, calendar, input.year)
  await store.AdminWarning.build(DeleteItemCommand)
    .key({ key: warningKey(input.year) })
    .send()
  return { year: input.year, ...result }
}
