// Every date of a visit (due date, reminders, overdue ladder) counted on the State Council's arrangements, and the
// years not loaded that make a visit provisional.
import { describe, expect, it } from 'vitest'
import { datedVisit } from '../../shared/calendar/dated-visit.ts'
import { businessDateOf } from '../../shared/calendar/rules/business-time.ts'
import { officialCalendarYears } from '../../shared/calendar/rules/official-calendar.ts'
import { WorkingCalendar } from '../../shared/calendar/rules/working-calendar.ts'

const shipped = new WorkingCalendar(officialCalendarYears())
/** A drill arrangement for 2027 (not the State Council's): New Year's Day, a Friday, off. */
const with2027 = new WorkingCalendar({
  ...officialCalendarYears(),
  '2027': { source: 'drill', off: ['2027-01-01'], work: [] },
})

/** The first visit after a matter resolved at 10:00 Shanghai on `day`, by the default cadence (+7 working days). */
const firstVisit = (day: string, calendar: WorkingCalendar) => {
  const dated = datedVisit(
    {
      visitId: 'ev-v1',
      offset: { unit: 'workingDays', value: 7 }, // the default cadence's first visit
      // The office's reminders: three working days before, and on the day, at 09:00.
      reminderRules: [
        { unit: 'workingDays', before: 3, at: '09:00' },
        { unit: 'workingDays', before: 0, at: '09:00' },
      ],
      triggeredAt: `${day}T02:00:00.000Z`,
      plannedAt: `${day}T02:00:00.000Z`,
    },
    calendar,
  )
  const on = (timerId: string) => {
    const t = dated.timers.find((x) => x.timerId === timerId)
    return t && `${businessDateOf(t.dueAt)} ${t.dueAt.toISOString().slice(11, 16)}Z`
  }
  return { ...dated, on }
}

describe('the dates of a visit', () => {
  it('around the Spring Festival 2026: a reminder on the working Saturday 02-14, the ladder past the one of 02-28', () => {
    const v = firstVisit('2026-02-10', shipped)
    // 02-11, 02-12, 02-13, 02-14 (a working Saturday), then off until 02-23: 02-24, 02-25, 02-26.
    expect(v.plan.dueDate).toBe('2026-02-26')
    expect(v.on('ev-v1-r1')).toBe('2026-02-14 01:00Z') // three working days before, 09:00 Shanghai
    expect(v.on('ev-v1-r2')).toBe('2026-02-26 01:00Z')
    expect(v.on('ev-v1-o1')).toBe('2026-02-27 01:00Z')
    // 02-27, 02-28 (a working Saturday), 03-02, 03-03, 03-04.
    expect(v.on('ev-v1-o2')).toBe('2026-03-04 01:00Z')
    expect(v.provisional).toBe(false)
    expect(v.unloadedYears).toEqual([])
  })

  it('around National Day 2026: the week off skipped, the working Saturday 10-10 counted', () => {
    const v = firstVisit('2026-09-28', shipped)
    // 09-29, 09-30, then 10-08, 10-09, 10-10 (a working Saturday), 10-12, 10-13.
    expect(v.plan.dueDate).toBe('2026-10-13')
    expect(v.on('ev-v1-r1')).toBe('2026-10-09 01:00Z') // 10-12, 10-10, 10-09
    expect(v.on('ev-v1-o1')).toBe('2026-10-14 01:00Z')
    expect(v.on('ev-v1-o2')).toBe('2026-10-20 01:00Z')
    expect(v.provisional).toBe(false)
  })

  it('makes a visit due late in 2026 provisional under 2027 when its overdue ladder falls into 2027, not loaded', () => {
    const v = firstVisit('2026-12-18', shipped)
    expect(v.plan.dueDate).toBe('2026-12-29')
    // Counted on weekends only: 12-30, 12-31, 01-01, 01-04, 01-05.
    expect(v.on('ev-v1-o2')).toBe('2027-01-05 01:00Z')
    expect(v.provisional).toBe(true)
    expect(v.unloadedYears).toEqual(['2027'])
    // Loaded, 2027 moves the accountability step: 12-30, 12-31, 01-04, 01-05, 01-06 (New Year's Day off).
    const loaded = firstVisit('2026-12-18', with2027)
    expect(loaded.on('ev-v1-o1')).toBe('2026-12-30 01:00Z')
    expect(loaded.on('ev-v1-o2')).toBe('2027-01-06 01:00Z')
    expect(loaded.provisional).toBe(false)
    expect(loaded.unloadedYears).toEqual([])
    // Due on the last working day of 2026: both steps in 2027.
    const last = firstVisit('2026-12-22', shipped)
    expect(last.plan.dueDate).toBe('2026-12-31')
    expect(last.on('ev-v1-o1')).toBe('2027-01-01 01:00Z') // a Friday, counted as a working day
    expect(firstVisit('2026-12-22', with2027).on('ev-v1-o1')).toBe('2027-01-04 01:00Z')
  })

  it('keeps a visit whose dates all fall in loaded years exact, and names each year not loaded it spans', () => {
    expect(firstVisit('2026-12-01', shipped).provisional).toBe(false)
    expect(shipped.unloadedYears(['2026-12-30', '2028-01-03'])).toEqual(['2027', '2028'])
    expect(shipped.unloadedYears(['2025-03-01', '2026-03-01'])).toEqual([])
  })
})
