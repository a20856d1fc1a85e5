import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Actor } from '../../shared/access/rules/roles.ts'
import { type BoardFlag, type BoardReads, boardOf } from '../../shared/visits/actions/region-board.ts'
import {
  type BoardLedgerEntry,
  type BoardVisit,
  boardSummary,
  figuresByOfficer,
  rate,
} from '../../shared/visits/rules/board.ts'
import { categoryOf } from '../../shared/visits/rules/worklist.ts'

const supervisor: Actor = { id: 'zhao', role: 'supervisor', regionCode: '330106' }

const visit = (over: Partial<BoardVisit> = {}): BoardVisit => ({
  officerId: 'wang',
  unitId: 'township',
  petitionerId: 'li',
  status: 'planned',
  dueDate: '2026-03-02',
  unreached: [],
  ...over,
})

/** The board's reads in memory: what a month's indexes would hand back. */
const inMemory = (
  visits: readonly BoardVisit[],
  ledger: readonly BoardLedgerEntry[] = [],
  flags: readonly BoardFlag[] = [],
): BoardReads & { asked: string[] } => {
  const asked: string[] = []
  return {
    asked,
    visits: async (regionCode, month) => {
      asked.push(`visits ${regionCode} ${month}`)
      return visits
    },
    ledger: async (regionCode, month) => {
      asked.push(`ledger ${regionCode} ${month}`)
      return ledger
    },
    flags: async (regionCode, month) => {
      asked.push(`flags ${regionCode} ${month}`)
      return { flags }
    },
  }
}

describe('the board of a month', () => {
  it('counts overdue now by officer and unit, and the rates of the month', async () => {
    const reads = inMemory(
      [
        visit({ dueDate: '2026-03-02' }), // overdue on 03-10
        visit({ officerId: 'zhou', unitId: 'village', dueDate: '2026-02-20' }), // overdue, due last month
        visit({
          status: 'completed',
          dueDate: '2026-03-03',
          completedAt: '2026-03-03T02:00:00.000Z',
          completedOnTime: true,
          outcome: { satisfaction: 'satisfied', repeatPetitionRisk: 'low' },
          unreached: [{ at: '2026-03-02T02:00:00.000Z' }],
        }),
        visit({
          status: 'completed',
          petitionerId: 'qian',
          dueDate: '2026-03-04',
          completedAt: '2026-03-06T02:00:00.000Z',
          completedOnTime: false,
          outcome: { satisfaction: 'dissatisfied', repeatPetitionRisk: 'high' },
        }),
        visit({ status: 'cancelled', dueDate: '2026-03-01' }),
      ],
      [{ kind: 'overdue', officerId: 'wang', unitId: 'township', recordedAt: '2026-03-09T01:00:00.000Z' }],
      [{ kind: 'overdue', visitId: 'v1', officerId: 'wang', raisedAt: '2026-03-03T01:00:00.000Z' }],
    )
    const board = await boardOf(reads, new Date('2026-03-10T02:00:00Z'), supervisor, '330106', {
      month: '2026-03',
    })
    expect(board).toMatchObject({
      regionCode: '330106',
      month: '2026-03',
      overdueByOfficer: { wang: 1, zhou: 1 },
      overdueByUnit: { township: 1, village: 1 },
      onTimeCompletionRate: 50,
      reachRate: 66.7,
      satisfactionRate: 50,
      highRiskPetitioners: ['qian'],
      flags: [{ kind: 'overdue', visitId: 'v1', officerId: 'wang', raisedAt: '2026-03-03T01:00:00.000Z' }],
    })
    expect(board.officers.find((f) => f.officerId === 'wang')).toMatchObject({
      due: 3,
      completed: 2,
      onTime: 1,
      overdueOpen: 1,
      attempts: 3,
      accountability: 1,
    })
    expect(reads.asked.sort()).toEqual([
      'flags 330106 2026-03',
      'ledger 330106 2026-03',
      'visits 330106 2026-03',
    ])
  })

  it("reads this month (Asia/Shanghai) when none is asked, and refuses a region outside the caller's", async () => {
    const reads = inMemory([])
    // 2026-03-31T17:00Z is already April 1st in Beijing.
    const board = await boardOf(reads, new Date('2026-03-31T17:00:00Z'), supervisor, '330106', {})
    expect(board.month).toBe('2026-04')
    expect(board).toMatchObject({ onTimeCompletionRate: null, reachRate: null, satisfactionRate: null })
    await expect(boardOf(reads, new Date(), supervisor, '330102', {})).rejects.toThrow(/outside your scope/)
  })
})

describe('board rules', () => {
  it('names the urgency of a visit on the worklist', () => {
    expect(categoryOf('2026-03-01', '2026-03-02')).toBe('overdue')
    expect(categoryOf('2026-03-02', '2026-03-02')).toBe('due-today')
    expect(categoryOf('2026-03-08', '2026-03-02')).toBe('this-week')
    expect(categoryOf('2026-03-09', '2026-03-02')).toBe('later')
  })

  const day = fc
    .integer({ min: 0, max: 89 })
    .map((n) => new Date(Date.UTC(2026, 1, 1) + n * 86_400_000).toISOString().slice(0, 10))
  const instant = day.map((d) => `${d}T02:00:00.000Z`)
  const boardVisit = fc.record({
    officerId: fc.constantFrom('wang', 'zhou', 'sun'),
    unitId: fc.constantFrom('township', 'village'),
    petitionerId: fc.constantFrom('li', 'qian'),
    status: fc.constantFrom('planned' as const, 'completed' as const, 'cancelled' as const),
    dueDate: day,
    completedAt: fc.option(instant, { nil: undefined }),
    completedOnTime: fc.boolean(),
    outcome: fc.record({
      satisfaction: fc.constantFrom('satisfied', 'basically-satisfied', 'dissatisfied'),
      repeatPetitionRisk: fc.constantFrom('low', 'high'),
    }),
    unreached: fc.array(fc.record({ at: instant }), { maxLength: 3 }),
  })
  const month = fc.constantFrom('2026-02', '2026-03', '2026-04')

  it('keeps every rate between 0 and 100, and null only when there is nothing to count', () => {
    fc.assert(
      fc.property(fc.array(boardVisit, { maxLength: 30 }), month, day, (visits, m, today) => {
        const summary = boardSummary(figuresByOfficer(visits, [], m, today).figures)
        for (const r of [summary.onTimeCompletionRate, summary.reachRate, summary.satisfactionRate]) {
          if (r !== null) expect(r).toBeGreaterThanOrEqual(0)
          if (r !== null) expect(r).toBeLessThanOrEqual(100)
        }
      }),
    )
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), (part, extra) => {
        const r = rate(part, part + extra)
        expect(r === null).toBe(part + extra === 0)
      }),
    )
  })

  it('adds up: overdue by unit and by officer both sum to the open visits past due, once each', () => {
    fc.assert(
      fc.property(fc.array(boardVisit, { maxLength: 30 }), month, day, (visits, m, today) => {
        const { figures } = figuresByOfficer(visits, [], m, today)
        const summary = boardSummary(figures)
        const overdue = visits.filter((v) => v.status === 'planned' && v.dueDate < today).length
        const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0)
        expect(total(summary.overdueByOfficer)).toBe(overdue)
        expect(total(summary.overdueByUnit)).toBe(overdue)
        for (const f of figures) {
          expect(f.onTime).toBeLessThanOrEqual(f.completed)
          expect(f.reached).toBeLessThanOrEqual(f.attempts)
          expect(f.satisfied).toBeLessThanOrEqual(f.reached)
        }
      }),
    )
  })
})
