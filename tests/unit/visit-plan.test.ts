import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { officialCalendar } from '../../shared/calendar/rules/official-calendar.ts'
import { defaultCadence } from '../../shared/visits/rules/cadence.ts'
import { planVisits } from '../../shared/visits/rules/plan.ts'
import { mayCloseRemaining } from '../../shared/visits/rules/stop-rule.ts'

const calendar = officialCalendar()
const iso = (dates: Date[]) => dates.map((d) => d.toISOString())

describe('planning return visits', () => {
  it('plans a resolved matter at +7 working days, +30 and +90 calendar days, reminders at 09:00', () => {
    const resolvedAt = new Date('2026-02-13T02:00:00Z')
    const visits = planVisits(defaultCadence.resolved, resolvedAt, resolvedAt, calendar)
    expect(visits.map((v) => v.dueDate)).toEqual(['2026-03-02', '2026-03-16', '2026-05-14'])
    expect(iso(visits[0]?.reminders ?? [])).toEqual(['2026-02-26T01:00:00.000Z', '2026-03-02T01:00:00.000Z'])
    expect(visits.every((v) => !v.provisional)).toBe(true)
  })

  it('plans a terminated matter at +30 and +180 calendar days', () => {
    const at = new Date('2026-03-02T02:00:00Z')
    const visits = planVisits(defaultCadence.terminated, at, at, calendar)
    expect(visits.map((v) => v.dueDate)).toEqual(['2026-04-01', '2026-08-31'])
  })

  it('plans a petitioner who stopped visiting at +15 working days', () => {
    const at = new Date('2026-09-21T02:00:00Z')
    const [visit] = planVisits(defaultCadence['stopped-visiting'], at, at, calendar)
    expect(visit?.dueDate).toBe('2026-10-19') // National Day week off, Saturday 10-10 worked
  })

  it('gives a visit already due when a late event is recorded five working days, with its reminders still to come', () => {
    const resolvedAt = new Date('2026-02-13T02:00:00Z')
    const now = new Date('2026-03-02T05:00:00Z') // recorded on the +7 working day itself, after 09:00
    const visits = planVisits(defaultCadence.resolved, resolvedAt, now, calendar)
    expect(visits.map((v) => [v.sequence, v.dueDate, v.catchUp])).toEqual([
      [1, '2026-03-09', true],
      [2, '2026-03-16', false],
      [3, '2026-05-14', false],
    ])
    expect(iso(visits[0]?.reminders ?? [])).toEqual(['2026-03-04T01:00:00.000Z', '2026-03-09T01:00:00.000Z'])
  })

  it('marks visits falling in a year not yet loaded as provisional', () => {
    const at = new Date('2026-12-01T02:00:00Z')
    const visits = planVisits(defaultCadence.resolved, at, at, calendar)
    // +7 working days and +30 (12-31) stay in 2026; +90 falls in 2027, whose arrangement is not loaded.
    expect(visits.map((v) => v.dueDate)).toEqual(['2026-12-10', '2026-12-31', '2027-03-01'])
    expect(visits.map((v) => v.provisional)).toEqual([false, false, true])
  })
})

describe('the other default cadences', () => {
  it('plans a mediated matter like a resolved one, and assistance at +30, +90 and +365 calendar days', () => {
    const at = new Date('2026-03-02T02:00:00Z')
    expect(planVisits(defaultCadence.mediated, at, at, calendar).map((v) => v.dueDate)).toEqual(
      planVisits(defaultCadence.resolved, at, at, calendar).map((v) => v.dueDate),
    )
    // 2026-04-01 (Wed), 2026-05-31 is a Sunday → 06-01, 2027-03-02 (a year not shipped: provisional).
    const assisted = planVisits(defaultCadence['assistance-granted'], at, at, calendar)
    expect(assisted.map((v) => [v.dueDate, v.provisional])).toEqual([
      ['2026-04-01', false],
      ['2026-06-01', false],
      ['2027-03-02', true],
    ])
  })
})

describe('the stop rule', () => {
  const satisfied = { satisfaction: 'satisfied', repeatPetitionRisk: 'low' }
  it('lets the remaining visits close after the last two completed were satisfied, and not otherwise', () => {
    expect(mayCloseRemaining([satisfied])).toBe(false)
    expect(mayCloseRemaining([satisfied, satisfied])).toBe(true)
    expect(mayCloseRemaining([satisfied, { satisfaction: 'basically-satisfied' }])).toBe(false)
    expect(mayCloseRemaining([{ satisfaction: 'dissatisfied' }, satisfied, satisfied])).toBe(true)
    expect(mayCloseRemaining([satisfied, satisfied, { satisfaction: 'dissatisfied' }])).toBe(false)
  })

  it('does not count a satisfied visit that found a high risk of a repeat petition', () => {
    expect(mayCloseRemaining([satisfied, { satisfaction: 'satisfied', repeatPetitionRisk: 'high' }])).toBe(
      false,
    )
  })
})

describe('events recorded late (back-dated)', () => {
  it('collapses the cadence points already past into one visit, five working days on, over National Day', () => {
    // Resolved on 1 August, recorded on 29 September: +7 working days (11 Aug) and +30 days (31 Aug) are past.
    const visits = planVisits(
      defaultCadence.resolved,
      new Date('2026-08-01T02:00:00Z'),
      new Date('2026-09-29T02:00:00Z'),
      calendar,
    )
    // 30 Sep, then the week off, 8 and 9 Oct, Saturday 10 Oct (worked), Monday 12 Oct: one visit, not two.
    expect(visits.map((v) => [v.sequence, v.dueDate, v.catchUp, v.offset])).toEqual([
      [1, '2026-10-12', true, { unit: 'workingDays', value: 7 }],
      [2, '2026-10-30', false, { unit: 'calendarDays', value: 90 }],
    ])
  })

  it('lets a cadence point still to come catch up with the past ones when it is due first, over the Spring Festival', () => {
    // Resolved 20 January, recorded 12 February: +7 working days (29 Jan) is past; +30 days is 19 Feb, in the
    // Spring Festival, so 24 Feb; five working days from 12 Feb (with Saturday 14 Feb worked) is 26 Feb.
    const visits = planVisits(
      defaultCadence.resolved,
      new Date('2026-01-20T02:00:00Z'),
      new Date('2026-02-12T02:00:00Z'),
      calendar,
    )
    expect(visits.map((v) => [v.sequence, v.dueDate, v.catchUp])).toEqual([
      [1, '2026-02-24', false],
      [2, '2026-04-20', false],
    ])
  })

  it('never plans a visit due, nor a reminder, before it is planned; dates rise and no point is added', () => {
    const day = 24 * 3600_000
    const start = Date.parse('2026-01-01T00:00:00Z')
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(defaultCadence)),
        fc.integer({ min: 0, max: 330 * day }),
        fc.integer({ min: 0, max: 400 * day }),
        (policy, triggered, lateBy) => {
          const triggeredAt = new Date(start + triggered)
          const now = new Date(start + triggered + lateBy)
          const visits = planVisits(policy, triggeredAt, now, calendar)
          expect(visits.length).toBeGreaterThan(0)
          expect(visits.length).toBeLessThanOrEqual(policy.visits.length)
          expect(visits.filter((v) => v.catchUp).length).toBeLessThanOrEqual(1)
          for (const [i, v] of visits.entries()) {
            expect(v.dueAt.getTime()).toBeGreaterThan(now.getTime())
            for (const r of v.reminders) expect(r.getTime()).toBeGreaterThanOrEqual(now.getTime())
            expect(v.sequence).toBe(i + 1)
            if (i > 0) expect(v.dueAt.getTime()).toBeGreaterThan(visits[i - 1]?.dueAt.getTime() ?? 0)
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
