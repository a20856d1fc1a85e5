import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { regionAncestry, regionCovers, significantPrefix } from '../../shared/access/rules/region-scope.ts'
import {
  type Actor,
  isProvincialAdmin,
  requireProvincialAdmin,
  requireRegion,
  requireRole,
} from '../../shared/access/rules/roles.ts'

describe('region scope', () => {
  it.each([
    ['330000', '33'],
    ['330100', '3301'],
    ['330106', '330106'],
    ['330106009000', '330106009'],
    ['330106009001', '330106009001'],
  ])('%s has the significant prefix %s', (code, prefix) => {
    expect(significantPrefix(code)).toBe(prefix)
  })

  it('a province covers its cities, counties and villages, and nothing of another province', () => {
    expect(regionCovers('330000', '330106')).toBe(true)
    expect(regionCovers('330000', '330106009001')).toBe(true)
    expect(regionCovers('330000', '320106')).toBe(false)
  })

  it('a county covers its townships but not its neighbour or its city', () => {
    expect(regionCovers('330106', '330106009000')).toBe(true)
    expect(regionCovers('330106', '330105')).toBe(false)
    expect(regionCovers('330106', '330100')).toBe(false)
  })

  it('every code covers itself, and whatever a code covers its province covers too', () => {
    const code = fc
      .tuple(
        fc.integer({ min: 11, max: 82 }),
        fc.stringMatching(/^\d{4}$/),
        fc.constantFrom('', '000000', '009001'),
      )
      .map(([p, rest, tail]) => `${p}${rest}${tail}`)
    fc.assert(
      fc.property(code, (c) => {
        expect(regionCovers(c, c)).toBe(true)
        expect(regionCovers(`${c.slice(0, 2)}0000`, c)).toBe(true)
      }),
    )
  })
})

describe('role and region checks', () => {
  const officer: Actor = { id: 'wang', role: 'officer', regionCode: '330106' }

  it('forbids the wrong role and a region outside the scope', () => {
    expect(() => requireRole(officer, ['admin'])).toThrow(/role officer may not/)
    expect(() => requireRegion(officer, '330105')).toThrow(/outside your scope 330106/)
    expect(() => requireRegion(officer, '330106009001')).not.toThrow()
  })
})

describe('a province-level administrator', () => {
  const actor = (role: Actor['role'], regionCode: string): Actor => ({ id: 'x', role, regionCode })

  it.each([
    ['admin', '330000', true],
    ['admin', '000000', true],
    ['admin', '330100', false],
    ['admin', '330106', false],
    ['admin', '330106009000', false],
    ['supervisor', '330000', false],
    ['committee', '330000', false],
    ['officer', '000000', false],
  ] as const)('a %s of %s is one: %s', (role, regionCode, expected) => {
    expect(isProvincialAdmin(actor(role, regionCode))).toBe(expected)
  })

  it('is required with the reason, the role and the scope in the refusal', () => {
    expect(() => requireProvincialAdmin(actor('admin', '330000'), 'national data')).not.toThrow()
    expect(() => requireProvincialAdmin(actor('supervisor', '330000'), 'national data')).toThrow(
      /^national data: only a province-level administrator may \(your role supervisor, your scope 330000\)$/,
    )
    expect(() => requireProvincialAdmin(actor('admin', '330106'), 'national data')).toThrow(/scope 330106/)
  })
})

describe('region ancestry', () => {
  it('lists a village, its township, county, city and province, most specific first', () => {
    expect(regionAncestry('330106009001')).toEqual(['330106009001', '330106009', '330106', '3301', '33'])
    expect(regionAncestry('330100')).toEqual(['3301', '33'])
  })
})
