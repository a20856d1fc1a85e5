// The sweep's rules: its window, the recheck of an enqueued timer, the stale message, the year to ask for.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { yearsAround, yearToAskFor } from '../../shared/calendar/rules/year-missing.ts'
import {
  dueInSweptWindow,
  minuteOf,
  RESWEEP_AFTER_MINUTES,
  recheckAt,
  staleReason,
  sweepWindow,
} from '../../shared/scheduling/rules/timers.ts'

const instant = fc.date({
  min: new Date('2020-01-01T00:00:00Z'),
  max: new Date('2040-01-01T00:00:00Z'),
  noInvalidDate: true,
})

describe('the sweep window', () => {
  it('reads from two minutes before the watermark through the next minute, or 15 minutes back the first time', () => {
    const now = new Date('2026-03-05T01:00:42Z')
    expect(sweepWindow(now, '2026-03-05T00:59')).toEqual({
      from: '2026-03-05T00:57',
      through: '2026-03-05T01:01',
    })
    expect(sweepWindow(now, undefined)).toEqual({ from: '2026-03-05T00:45', through: '2026-03-05T01:01' })
  })

  it('always reads the minute at the watermark again and the minute after now', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 600 }), (now, minutesBehind) => {
        const watermark = minuteOf(new Date(now.getTime() - minutesBehind * 60_000))
        const { from, through } = sweepWindow(now, watermark)
        expect(from < watermark).toBe(true)
        expect(through > minuteOf(now)).toBe(true)
      }),
    )
  })

  it('sends at once a timer written with its minute inside the window read, never before the first sweep', () => {
    expect(dueInSweptWindow(new Date('2026-03-05T01:01:59Z'), '2026-03-05T01:01')).toBe(true)
    expect(dueInSweptWindow(new Date('2026-03-05T01:02:00Z'), '2026-03-05T01:01')).toBe(false)
    expect(dueInSweptWindow(new Date('2026-03-05T01:00:00Z'), undefined)).toBe(false)
  })
})

describe('the recheck of an enqueued timer', () => {
  it('comes five minutes after it is due, or after it was enqueued when that was later', () => {
    fc.assert(
      fc.property(instant, instant, (due, now) => {
        const at = recheckAt(due.toISOString(), now).getTime()
        const wait = RESWEEP_AFTER_MINUTES * 60_000
        expect(at).toBe(Math.max(due.getTime(), now.getTime()) + wait)
      }),
    )
  })
})

describe('a stale message', () => {
  it('is one for a timer ended, or for a due time it no longer has (the same instant written otherwise is not)', () => {
    expect(
      staleReason({ status: 'fired', dueAt: '2026-03-05T01:00:00.000Z' }, '2026-03-05T01:00:00.000Z'),
    ).toBe('already fired')
    expect(
      staleReason({ status: 'enqueued', dueAt: '2026-03-05T01:20:00.000Z' }, '2026-03-05T01:00:00.000Z'),
    ).toBe('rescheduled from 2026-03-05T01:00:00.000Z to 2026-03-05T01:20:00.000Z')
    expect(
      staleReason({ status: 'failed', dueAt: '2026-03-05T01:00:00.000Z' }, '2026-03-05T01:00:00Z'),
    ).toBeUndefined()
  })
})

describe('the holiday arrangement to ask for', () => {
  it("is next year's, from 1 November (Shanghai dates) only", () => {
    expect(yearToAskFor('2026-10-31')).toBeUndefined()
    expect(yearToAskFor('2026-11-01')).toBe('2027')
    expect(yearToAskFor('2026-12-31')).toBe('2027')
  })

  it('the sweeper resumes recomputes of last year, this year and the two after', () => {
    expect(yearsAround('2026-03-05')).toEqual(['2025', '2026', '2027', '2028'])
  })
})
