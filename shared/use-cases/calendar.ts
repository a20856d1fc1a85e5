// The working-day calendar in use: the shipped years plus those an administrator loaded. Loading a year recomputes
// the visits whose dates were counted on weekends only, and clears the warning that asked for it.
import {
  DeleteItemCommand,
  executeTransactWrite,
  GetItemCommand,
  PutItemCommand,
  PutTransaction,
  QueryCommand,
} from 'dynamodb-toolbox'
import pMap from 'p-map'
import { visitIndexKeys } from '../adapters/dynamodb/store.ts'
import type { AppDeps } from '../deps.ts'
import { type Actor, requireProvincialAdmin } from '../domain/access/roles.ts'
import type { CalendarYearInput } from '../domain/scheduling/calendar-year.ts'
import { officialCalendarYears } from '../domain/scheduling/official-calendar.ts'
import { WorkingCalendar } from '../domain/scheduling/working-calendar.ts'
import type { Offset, ReminderRule } from '../domain/visits/cadence.ts'
import { planVisit } from '../domain/visits/plan.ts'
import { ConflictError } from '../errors.ts'
import { auditTransaction, writeUnlessDone } from './audit.ts'
import { cancelTimer, enqueueIfSwept, rescheduleTimer, timerItem } from './timers.ts'
import { visitTimers } from './visit-timers.ts'

/** Loaded years change a few times a year; a process re-reads them at most this often. */
const CACHE_MS = 60_000
const cache = new Map<string, { at: number; calendar: Promise<WorkingCalendar> }>()

export const workingCalendar = (deps: AppDeps): Promise<WorkingCalendar> => {
  const key = deps.config.TABLE_NAME
  const hit = cache.get(key)
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.calendar
  const calendar = deps.store.table
    .build(QueryCommand)
    .entities(deps.store.CalendarYear)
    .query({ partition: 'CALENDAR' })
    .send()
    .then(({ Items = [] }) => {
      const loaded = Object.fromEntries(
        Items.map((y) => [y.year, { source: y.source, off: y.off, work: y.work }]),
      )
      return new WorkingCalendar({ ...officialCalendarYears(), ...loaded })
    })
  cache.set(key, { at: Date.now(), calendar })
  calendar.catch(() => cache.delete(key))
  return calendar
}

const warningKey = (year: string) => `calendar-${year}`

/** One warning per missing year, however many visits it makes provisional. */
export const warnCalendarMissing = async (deps: AppDeps, years: string[]) => {
  for (const year of new Set(years)) {
    const raised = await writeUnlessDone(
      deps.store.AdminWarning.build(PutItemCommand)
        .item({
          key: warningKey(year),
          kind: 'calendar-year-missing',
          message: `The holiday arrangement of ${year} is not loaded: dates in ${year} are counted on weekends only and marked provisional. Load it with POST /admin/calendar-years.`,
          raisedAt: deps.clock.now().toISOString(),
        })
        .options({ condition: { attr: 'key', exists: false } })
        .send(),
    )
    if (raised) deps.logger.warn('holiday arrangement missing: dates provisional', { year })
  }
}

export const listWarnings = async ({ store }: AppDeps) => {
  const { Items = [] } = await store.table
    .build(QueryCommand)
    .entities(store.AdminWarning)
    .query({ partition: 'WARNING' })
    .send()
  return Items
}

/** Recomputes one provisional visit with the calendar now loaded; its reminders and its overdue ladder move with it. */
const recomputeVisit = async (deps: AppDeps, calendar: WorkingCalendar, visitId: string) => {
  const { store, clock, config } = deps
  const { Item: visit } = await store.Visit.build(GetItemCommand).key({ visitId }).send()
  if (visit?.status !== 'planned') return false
  const now = clock.now()
  const plan = planVisit(
    visit.offset as Offset,
    visit.reminderRules as ReminderRule[],
    new Date(visit.triggeredAt),
    now,
    calendar,
  )
  const after = {
    dueDate: plan.dueDate,
    dueAt: plan.dueAt.toISOString(),
    provisional: plan.provisional,
    reminderCount: Math.max(plan.reminders.length, visit.reminderCount),
    version: visit.version + 1,
  }
  await executeTransactWrite(
    store.Visit.build(PutTransaction)
      .item({ ...visit, ...after, ...visitIndexKeys({ ...visit, dueAt: after.dueAt }) })
      .options({ condition: { attr: 'version', eq: visit.version } }),
    auditTransaction(store, {
      subject: `VISIT#${visitId}`,
      actor: 'calendar',
      action: 'visit.recomputed',
      regionCode: visit.regionCode,
      at: now,
      before: { dueDate: visit.dueDate, provisional: visit.provisional },
      after: { dueDate: after.dueDate, provisional: after.provisional },
    }),
  )
  for (let n = 1; n <= after.reminderCount; n++) {
    const timerId = `${visitId}-r${n}`
    const at = plan.reminders[n - 1]
    if (!at) {
      await cancelTimer(deps, timerId)
    } else if (n > visit.reminderCount) {
      await store.Timer.build(PutItemCommand)
        .item(
          timerItem({ timerId, kind: 'visit-reminder', subjectId: visitId, dueAt: at }, config.TIMER_SHARDS),
        )
        .send()
      await enqueueIfSwept(deps, [{ timerId, dueAt: at }])
    } else {
      await rescheduleTimer(deps, timerId, at)
    }
  }
  // The overdue ladder (-o1 supervisor, -o2 accountability) was counted on weekends only as well.
  const ladder = visitTimers({ visitId, dueDate: plan.dueDate }, [], calendar)
  for (const timer of ladder) await rescheduleTimer(deps, timer.timerId, timer.dueAt)
  return after.dueDate !== visit.dueDate
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
      subject: `CALENDAR#${input.year}`,
      actor: actor.id,
      action: before ? 'calendar-year.replaced' : 'calendar-year.loaded',
      regionCode: '',
      at: now,
      before,
      after: year,
    }),
  )
  cache.delete(deps.config.TABLE_NAME)
  const calendar = await workingCalendar(deps)
  const { Items: marks = [] } = await store.table
    .build(QueryCommand)
    .entities(store.ProvisionalMark)
    .query({ partition: `PROVISIONAL#${input.year}` })
    .options({ maxPages: Number.POSITIVE_INFINITY })
    .send()
  const moved = await pMap(
    marks,
    async ({ visitId }) => {
      const changed = await recomputeVisit(deps, calendar, visitId)
      await store.ProvisionalMark.build(DeleteItemCommand).key({ year: input.year, visitId }).send()
      return changed
    },
    { concurrency: 8 },
  )
  await store.AdminWarning.build(DeleteItemCommand)
    .key({ key: warningKey(input.year) })
    .send()
  return { year: input.year, recomputed: marks.length, moved: moved.filter(Boolean).length }
}
