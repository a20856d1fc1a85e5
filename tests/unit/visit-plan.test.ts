import { describe, expect, it } from 'vitest'
import { officialCalendar } from '../../shared/domain/scheduling/official-calendar.ts'
import { defaultCadence } from '../../shared/domain/visits/cadence.ts'
import { mayCloseRemaining } from '../../shared/domain/visits/outcome.ts'
import { planVisits } from '../../shared/domain/visits/plan.ts'

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

  it('drops reminders already past when a late event is recorded, keeping one due at once', () => {
    const resolvedAt = new Date('2026-02-13T02:00:00Z')
    const now = new Date('2026-03-02T05:00:00Z') // recorded on the due day itself, after 09:00
    const [first] = planVisits(defaultCadence.resolved, resolvedAt, now, calendar)
    expect(iso(first?.reminders ?? [])).toEqual([now.toISOString()])
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
