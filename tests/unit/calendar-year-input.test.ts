// A year's arrangement as an administrator types it: a malformed day is a 400 naming it, never a crash.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { calendarYearInput } from '../../shared/calendar/rules/calendar-year.ts'

const year = (off: unknown[], work: unknown[] = []) => ({ year: '2027', source: 'drill', off, work })

describe('a calendar year as loaded', () => {
  it('names each day that is no date, in off and in work, instead of failing', () => {
    const parsed = calendarYearInput.safeParse(
      year(['2027-02-30', '2027-13-01', '2027-00-10'], ['2027-02-29']),
    )
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['off.0', 'is not a calendar date'],
      ['off.1', 'is not a calendar date'],
      ['off.2', 'is not a calendar date'],
      ['work.0', 'is not a calendar date'],
    ])
  })

  it('takes the State Council kind of arrangement: days off, and weekend days worked', () => {
    expect(calendarYearInput.safeParse(year(['2027-01-01', '2027-02-08'], ['2027-02-06'])).success).toBe(true)
  })

  it('answers any off or work list with a parse result, never an exception', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.stringMatching(/^20\d\d-\d\d-\d\d$/), fc.anything())),
        fc.array(fc.oneof(fc.string(), fc.stringMatching(/^20\d\d-\d\d-\d\d$/))),
        (off, work) => {
          expect(() => calendarYearInput.safeParse(year(off, work))).not.toThrow()
        },
      ),
      { numRuns: 500 },
    )
  })
})
