import { describe, expect, it } from 'vitest'
import { officialCalendar } from '../../shared/domain/scheduling/official-calendar.ts'
import { defaultCadence } from '../../shared/domain/visits/cadence.ts'
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
