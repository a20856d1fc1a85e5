import { describe, expect, it } from 'vitest'
import { businessDateOf, shanghaiInstant } from '../../shared/calendar/rules/business-time.ts'
import { officialCalendar } from '../../shared/calendar/rules/official-calendar.ts'

const calendar = officialCalendar()

describe('the working-day calendar', () => {
  it('knows the Spring Festival 2026: the Saturdays 02-14 and 02-28 are working days, 02-15…02-23 are off', () => {
    expect(calendar.isWorkingDay('2026-02-14')).toBe(true)
    expect(calendar.isWorkingDay('2026-02-16')).toBe(false)
    expect(calendar.isWorkingDay('2026-02-23')).toBe(false)
    expect(calendar.isWorkingDay('2026-02-28')).toBe(true)
    expect(calendar.isWorkingDay('2026-03-01')).toBe(false)
  })

  it('knows the shipped 2025 arrangement and counts across into 2026', () => {
    expect(calendar.isWorkingDay('2025-01-26')).toBe(true) // a Sunday made a working day before Spring Festival
    expect(calendar.isWorkingDay('2025-01-28')).toBe(false)
    expect(calendar.isWorkingDay('2025-10-08')).toBe(false) // a Wednesday, last day of the National Day week
    expect(calendar.isWorkingDay('2025-10-11')).toBe(true) // a Saturday made a working day
    expect(calendar.addWorkingDays('2025-12-31', 1)).toEqual({ date: '2026-01-04', provisional: false })
    expect(calendar.addWorkingDays('2025-09-30', 1).date).toBe('2025-10-09')
  })

  it('counts the ladder of a visit resolved on Friday 2026-02-13', () => {
    const due = calendar.addWorkingDays('2026-02-13', 7)
    expect(due).toEqual({ date: '2026-03-02', provisional: false })
    expect(calendar.addWorkingDays(due.date, -3).date).toBe('2026-02-26')
    expect(calendar.addWorkingDays(due.date, 1).date).toBe('2026-03-03')
    expect(calendar.addWorkingDays(due.date, 5).date).toBe('2026-03-09')
  })

  it('does not count the day of the event, and moves a last day that is a rest day to the next working day', () => {
    expect(calendar.addCalendarDays('2026-02-13', 30).date).toBe('2026-03-16') // Sunday 03-15 → Monday
    expect(calendar.addCalendarDays('2026-09-01', 30).date).toBe('2026-10-08') // National Day week
    expect(calendar.addCalendarDays('2026-03-02', 3).date).toBe('2026-03-05')
  })

  it('marks a date in a year without a loaded arrangement as provisional', () => {
    expect(calendar.addCalendarDays('2026-12-20', 30)).toEqual({ date: '2027-01-19', provisional: true })
    expect(calendar.addWorkingDays('2026-12-30', 3).provisional).toBe(true)
    expect(calendar.addWorkingDays('2026-12-01', 3).provisional).toBe(false)
  })
})

describe('business time in Asia/Shanghai', () => {
  it('puts 23:30 UTC on the next Shanghai day', () => {
    expect(businessDateOf(new Date('2026-02-25T23:30:00Z'))).toBe('2026-02-26')
  })

  it('places 09:00 Shanghai at 01:00 UTC', () => {
    expect(shanghaiInstant('2026-02-26', '09:00').toISOString()).toBe('2026-02-26T01:00:00.000Z')
  })
})
