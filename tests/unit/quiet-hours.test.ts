import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  defaultQuietHours,
  isQuiet,
  nextAllowedInstant,
} from '../../shared/notifications/rules/quiet-hours.ts'

const at = (iso: string) => new Date(iso)

describe('quiet hours 21:00–08:00 in Shanghai', () => {
  it('holds an SMS at 21:30 until 08:00 the next morning', () => {
    expect(nextAllowedInstant(at('2026-03-05T13:30:00Z'), defaultQuietHours).toISOString()).toBe(
      '2026-03-06T00:00:00.000Z',
    )
  })

  it('holds an SMS at 06:15 until 08:00 the same morning', () => {
    expect(nextAllowedInstant(at('2026-03-05T22:15:00Z'), defaultQuietHours).toISOString()).toBe(
      '2026-03-06T00:00:00.000Z',
    )
  })

  it('lets an SMS at 08:00 and at 20:59 go at once', () => {
    expect(isQuiet(at('2026-03-06T00:00:00Z'), defaultQuietHours)).toBe(false)
    expect(isQuiet(at('2026-03-05T12:59:00Z'), defaultQuietHours)).toBe(false)
    expect(isQuiet(at('2026-03-05T13:00:00Z'), defaultQuietHours)).toBe(true)
  })

  it('handles quiet hours that do not cross midnight (12:00–14:00 siesta)', () => {
    const siesta = { start: '12:00', end: '14:00' }
    expect(nextAllowedInstant(at('2026-03-05T04:30:00Z'), siesta).toISOString()).toBe(
      '2026-03-05T06:00:00.000Z',
    )
    expect(isQuiet(at('2026-03-05T06:00:00Z'), siesta)).toBe(false)
  })

  it('always gives an allowed instant, never earlier and at most a day later', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2025-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }),
        (d) => {
          const next = nextAllowedInstant(d, defaultQuietHours)
          expect(isQuiet(next, defaultQuietHours)).toBe(false)
          expect(next.getTime()).toBeGreaterThanOrEqual(d.getTime())
          expect(next.getTime() - d.getTime()).toBeLessThanOrEqual(11 * 3600_000)
        },
      ),
    )
  })
})
