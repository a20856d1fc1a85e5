// SMS part counting: GSM-7 vs UCS-2, part limits, and units that must not be split across parts.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  GSM7_BASIC,
  GSM7_EXTENSION,
  smsParts,
  smsSegments,
} from '../../shared/notifications/rules/sms-parts.ts'
import { renderTemplate } from '../../shared/notifications/rules/templates.ts'

const zh = (n: number) => '访'.repeat(n)
const ascii = (n: number) => 'a'.repeat(n)

describe('the GSM 03.38 tables', () => {
  it('hold exactly the default alphabet in code order, without the escape code 0x1B', () => {
    // Written as code points so a lookalike (∆ U+2206 for Δ, Ω U+2126 for Ω) cannot slip in.
    const expected = [
      [0x40, 0xa3, 0x24, 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, 0x0a, 0xd8, 0xf8, 0x0d, 0xc5, 0xe5],
      [0x394, 0x5f, 0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0, 0x3a8, 0x3a3, 0x398, 0x39e, 0xc6, 0xe6, 0xdf, 0xc9],
      Array.from({ length: 0x40 - 0x20 }, (_, i) => (i === 4 ? 0xa4 : 0x20 + i)), // ¤ at 0x24, not $
      [0xa1, ...Array.from({ length: 26 }, (_, i) => 0x41 + i), 0xc4, 0xd6, 0xd1, 0xdc, 0xa7],
      [0xbf, ...Array.from({ length: 26 }, (_, i) => 0x61 + i), 0xe4, 0xf6, 0xf1, 0xfc, 0xe0],
    ].flat()
    expect([...GSM7_BASIC].map((c) => c.codePointAt(0))).toEqual(expected)
    expect(new Set(GSM7_BASIC).size).toBe(127)
    expect(GSM7_EXTENSION).toBe('\f^{}\\[~]|€')
  })

  it('count every basic character as one septet and every extension character as two', () => {
    expect(smsParts(GSM7_BASIC)).toEqual({ encoding: 'GSM-7', characters: 127, parts: 1 })
    expect(smsParts(GSM7_EXTENSION)).toEqual({ encoding: 'GSM-7', characters: 20, parts: 1 })
  })

  it('send characters outside both tables (ç, `, Chinese) as UCS-2', () => {
    expect(smsParts('garçon').encoding).toBe('UCS-2') // only capital Ç is in the table
    expect(smsParts('`').encoding).toBe('UCS-2')
    expect(smsParts(`${ascii(100)}访`)).toEqual({ encoding: 'UCS-2', characters: 101, parts: 2 })
  })
})

describe('Chinese text (UCS-2: 70 in one part, 67 per part)', () => {
  it.each([
    [1, 1],
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
    [201, 3],
    [202, 4],
  ])('%i characters are %i part(s)', (n, parts) => {
    expect(smsParts(zh(n))).toEqual({ encoding: 'UCS-2', characters: n, parts })
  })
})

describe('plain ASCII text (GSM-7: 160 in one part, 153 per part)', () => {
  it.each([
    [1, 1],
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
  ])('%i characters are %i part(s)', (n, parts) => {
    expect(smsParts(ascii(n))).toEqual({ encoding: 'GSM-7', characters: n, parts })
  })

  it('has no parts when empty: nothing is sent', () => {
    expect(smsParts('')).toEqual({ encoding: 'GSM-7', characters: 0, parts: 0 })
  })
})

describe('extension characters', () => {
  it('count € as two septets', () => {
    expect(smsParts('€')).toEqual({ encoding: 'GSM-7', characters: 2, parts: 1 })
  })

  it('make 159 characters plus one € two parts (161 septets)', () => {
    expect(smsParts(`${ascii(159)}€`)).toEqual({ encoding: 'GSM-7', characters: 161, parts: 2 })
  })

  it('never split an escape pair: a € at septets 153–154 moves to the next part', () => {
    // 152 + 2 + 152 = 306 septets would fit two full parts, but the € cannot straddle the boundary.
    const text = `${ascii(152)}€${ascii(152)}`
    expect(smsParts(text)).toEqual({ encoding: 'GSM-7', characters: 306, parts: 3 })
    expect(smsSegments(text)).toEqual([ascii(152), `€${ascii(151)}`, ascii(1)])
  })
})

describe('emoji (a surrogate pair in UCS-2)', () => {
  it('count as two UTF-16 code units', () => {
    expect(smsParts('👍')).toEqual({ encoding: 'UCS-2', characters: 2, parts: 1 })
  })

  it('are never split across parts', () => {
    // 66 + 2 + 66 = 134 code units would fit two parts of 67, but the pair cannot straddle the boundary.
    const text = `${zh(66)}👍${zh(66)}`
    expect(smsParts(text)).toEqual({ encoding: 'UCS-2', characters: 134, parts: 3 })
    const segments = smsSegments(text)
    expect(segments.map((s) => s.length)).toEqual([66, 67, 1])
    expect(segments[1]?.startsWith('👍')).toBe(true)
  })
})

describe('the zh-CN officer reminder as sent', () => {
  it('fits one SMS with realistic values', () => {
    const text = renderTemplate('officer-visit-reminder', 'zh-CN', {
      officerName: '王芳',
      sequence: '1',
      matterId: 'c-2026-001',
      petitionerName: '李明',
      dueDate: '2026-03-02',
    })
    expect(smsParts(text)).toEqual({ encoding: 'UCS-2', characters: 52, parts: 1 })
  })
})

describe('properties', () => {
  // Mixed: basic GSM, extension characters, Chinese, an emoji, a lone surrogate.
  const alphabet = fc.constantFrom('a', 'Z', ' ', '\n', 'Δ', 'é', '€', '{', '^', '访', '明', '👍', '\ud800')
  // size 'max': lengths up to maxLength, so multi-part texts are common, not just a few characters.
  const text = fc.array(alphabet, { maxLength: 500, size: 'max' }).map((cs) => cs.join(''))
  const ucs2Text = fc
    .array(alphabet, { minLength: 70, maxLength: 500, size: 'max' })
    .map((cs) => `${cs.join('')}访`)
  const gsmText = fc
    .array(fc.constantFrom(...GSM7_BASIC, ...GSM7_EXTENSION), { maxLength: 700, size: 'max' })
    .map((cs) => cs.join(''))

  it('non-empty text is at least one part; the parts join back to the text', () => {
    fc.assert(
      fc.property(text, (t) => {
        const { parts } = smsParts(t)
        expect(parts >= 1).toBe(t.length > 0)
        expect(smsSegments(t).join('')).toBe(t)
      }),
    )
  })

  it('appending a character never lowers the part count', () => {
    fc.assert(
      fc.property(text, alphabet, (t, c) => {
        expect(smsParts(t + c).parts).toBeGreaterThanOrEqual(smsParts(t).parts)
      }),
    )
  })

  it('every part fits its limit and no surrogate pair is cut between parts', () => {
    fc.assert(
      fc.property(text, (t) => {
        const { encoding, parts } = smsParts(t)
        const segments = smsSegments(t)
        const limit = parts === 1 ? { 'GSM-7': 160, 'UCS-2': 70 } : { 'GSM-7': 153, 'UCS-2': 67 }
        segments.forEach((s, i) => {
          const size = encoding === 'GSM-7' ? smsParts(s).characters : s.length
          expect(size).toBeLessThanOrEqual(limit[encoding])
          const cutPair = /^[\udc00-\udfff]/.test(s) && /[\ud800-\udbff]$/.test(segments[i - 1] ?? '')
          expect(cutPair).toBe(false)
        })
      }),
    )
  })

  it('GSM-7 multi-part text needs between ceil(septets/153) and ceil(septets/152) parts', () => {
    // Each part but the last is full or one septet short (an escape pair moved on).
    fc.assert(
      fc.property(gsmText, (t) => {
        const { encoding, characters, parts } = smsParts(t)
        expect(encoding).toBe('GSM-7')
        if (characters <= 160) expect(parts).toBe(characters === 0 ? 0 : 1)
        else {
          expect(parts).toBeGreaterThanOrEqual(Math.ceil(characters / 153))
          expect(parts).toBeLessThanOrEqual(Math.ceil(characters / 152))
        }
      }),
    )
  })

  it('UCS-2 multi-part text needs between ceil(units/67) and ceil(units/66) parts', () => {
    fc.assert(
      fc.property(ucs2Text, (t) => {
        const { encoding, characters, parts } = smsParts(t)
        expect(encoding).toBe('UCS-2')
        expect(parts).toBeGreaterThanOrEqual(Math.ceil(characters / 67))
        expect(parts).toBeLessThanOrEqual(Math.ceil(characters / 66))
      }),
    )
  })
})
