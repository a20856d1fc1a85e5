import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { secretMatches } from '../../shared/notifications/rules/inbound-secret.ts'
import {
  heldByAdministrator,
  OPT_OUT_KEYWORDS,
  optOutKeyword,
  optOutStops,
} from '../../shared/notifications/rules/opt-out.ts'

describe('the opt-out keyword', () => {
  it('is found in any case, width, spacing or punctuation', () => {
    expect(optOutKeyword(' 退订！')).toBe('退订')
    expect(optOutKeyword('ｔｄ')).toBe('TD')
    expect(optOutKeyword('Stop.')).toBe('STOP')
  })

  it('is not 取消, a bare T, or a keyword inside a sentence', () => {
    for (const text of ['取消', 'T', '请不要STOP', 'STOP please', ''])
      expect(optOutKeyword(text), text).toBeUndefined()
  })

  it('survives any surrounding spaces and punctuation', () => {
    const noise = fc.string({ unit: fc.constantFrom(' ', '.', '!', '。', '！', '，', '\t') })
    fc.assert(
      fc.property(fc.constantFrom(...OPT_OUT_KEYWORDS), noise, noise, (k, before, after) => {
        expect(optOutKeyword(`${before}${k.toLowerCase()}${after}`)).toBe(k)
      }),
    )
  })
})

describe('whose opt-out stops whose SMS', () => {
  it('a petitioner’s number opted out by reply or by an administrator stops the petitioner’s SMS', () => {
    expect(optOutStops({ optedOut: true, source: 'sms' }, 'petitioner')).toBe(true)
    expect(optOutStops({ optedOut: true, source: 'admin' }, 'petitioner')).toBe(true)
  })

  it('an officer’s reminders stop only by an administrator’s decision', () => {
    expect(optOutStops({ optedOut: true, source: 'sms' }, 'officer')).toBe(false)
    expect(optOutStops({ optedOut: true, source: 'admin' }, 'officer')).toBe(true)
  })

  it('a number opted in again, or never opted out, stops nothing', () => {
    expect(optOutStops({ optedOut: false, source: 'admin' }, 'petitioner')).toBe(false)
    expect(optOutStops(undefined, 'petitioner')).toBe(false)
  })

  it('a reply does not overwrite an administrator’s opt-out', () => {
    expect(heldByAdministrator({ optedOut: true, source: 'admin' })).toBe(true)
    expect(heldByAdministrator({ optedOut: true, source: 'sms' })).toBe(false)
    expect(heldByAdministrator(undefined)).toBe(false)
  })
})

describe('the inbound secret', () => {
  it('matches only itself', () => {
    expect(secretMatches('s3cret', 's3cret')).toBe(true)
    expect(secretMatches('s3cre', 's3cret')).toBe(false)
    expect(secretMatches('s3creT', 's3cret')).toBe(false)
    expect(secretMatches(undefined, 's3cret')).toBe(false)
  })
})
