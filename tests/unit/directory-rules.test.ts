// The directory's rules: a unit's level from its region code, where a unit may hang, that a unit keeps its region,
// what a replacement keeps of a record, and the region of a person's unit.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { regionAncestry, regionCodeOfPrefix } from '../../shared/access/rules/region-scope.ts'
import { officerKept, petitionerKept, sameIdProblem } from '../../shared/directory/rules/replacement.ts'
import {
  hangsUnderItself,
  parentRefusal,
  personUnitRegion,
  regionMoveRefusal,
  unitLevelOf,
} from '../../shared/directory/rules/units.ts'
import { phoneView } from '../../shared/directory/rules/views.ts'

/** `length` digits, the first and the last not 0: a significant prefix of exactly that length. */
const digits = (length: number) => fc.stringMatching(new RegExp(`^[1-9]\\d{${length - 2}}[1-9]$`))
/** A division code whose significant prefix has exactly `length` digits (2, 4, 6, 9 or 12). */
const codeWithPrefix = (length: 2 | 4 | 6 | 9 | 12) =>
  digits(length).map((prefix) =>
    length === 9 || length === 12 ? prefix.padEnd(12, '0') : prefix.padEnd(6, '0'),
  )

describe("a unit's level", () => {
  it.each([
    ['330000', 'province'],
    ['330100', 'city'],
    ['330106', 'county'],
    ['330106009000', 'township'],
    ['330106009001', 'village'],
  ])('at %s is %s', (code, level) => {
    expect(unitLevelOf(code)).toBe(level)
  })

  it('follows the length of the significant prefix, whatever its digits', () => {
    const levels = { 2: 'province', 4: 'city', 6: 'county', 9: 'township', 12: 'village' } as const
    for (const length of [2, 4, 6, 9, 12] as const) {
      fc.assert(fc.property(codeWithPrefix(length), (code) => unitLevelOf(code) === levels[length]))
    }
  })
})

describe('where a unit hangs', () => {
  it('never under itself', () => {
    expect(hangsUnderItself({ unitId: 'xihu', parentUnitId: 'xihu' })).toBe(true)
    expect(hangsUnderItself({ unitId: 'xihu', parentUnitId: 'hangzhou' })).toBe(false)
    expect(hangsUnderItself({ unitId: 'xihu' })).toBe(false)
  })

  it('under any unit of its own region or of a region above it', () => {
    fc.assert(
      fc.property(codeWithPrefix(12), (code) =>
        regionAncestry(code).every(
          (prefix) =>
            parentRefusal({ unitId: 'p', regionCode: regionCodeOfPrefix(prefix) }, code) === undefined,
        ),
      ),
    )
  })

  it('never under a unit of a region that does not cover its own, and the refusal says why', () => {
    expect(parentRefusal({ unitId: 'gongshu', regionCode: '330105' }, '330106')).toBe(
      'unit gongshu (region 330105) does not cover region 330106: a unit hangs only under a unit whose region ' +
        'covers its own',
    )
    fc.assert(
      fc.property(codeWithPrefix(6), codeWithPrefix(6), (parent, child) => {
        fc.pre(parent !== child)
        return parentRefusal({ unitId: 'p', regionCode: parent }, child) !== undefined
      }),
    )
  })

  it('keeps its region when replaced', () => {
    expect(regionMoveRefusal('xihu', { regionCode: '330106' }, '330106')).toBeUndefined()
    expect(regionMoveRefusal('xihu', { regionCode: '330106' }, '330105')).toBe(
      'regionCode: unit xihu is in region 330106 and cannot move to 330105; create a unit in the new region and ' +
        'move its people there',
    )
  })
})

describe('a replacement', () => {
  it('names the record of its path: the body may repeat the id but not contradict it', () => {
    expect(sameIdProblem('li', undefined)).toBeUndefined()
    expect(sameIdProblem('li', 'li')).toBeUndefined()
    expect(sameIdProblem('li', 'wang')).toBe('is li in the path and wang in the body: they must be the same')
    expect(sameIdProblem('-li', undefined)).toMatch(/^must be 1-64 letters/)
  })

  const duty = fc.constantFrom('officer', 'supervisor', 'committee', 'admin' as const)
  const record = fc.record({ duty, active: fc.boolean(), locale: fc.constantFrom('zh-CN', 'en') })
  const body = fc.record(
    { duty, active: fc.boolean(), locale: fc.constantFrom('zh-CN', 'en') },
    { requiredKeys: [] },
  )

  it("keeps the record's duty, locale and activity unless the body gives them: no one is reactivated by omission", () => {
    fc.assert(
      fc.property(record, body, (before, given) => {
        const kept = officerKept(before, given)
        return (
          kept.duty === (given.duty ?? before.duty) &&
          kept.active === (given.active ?? before.active) &&
          kept.locale === (given.locale ?? before.locale) &&
          (given.active !== undefined || kept.active === before.active)
        )
      }),
    )
  })

  it('stops an officer exactly when an officer would become something else or leave', () => {
    fc.assert(
      fc.property(record, body, (before, given) => {
        const kept = officerKept(before, given)
        const wasOfficer = before.duty === 'officer'
        const isOfficer = kept.duty === 'officer' && kept.active
        return kept.stopsOfficer === (wasOfficer && !isOfficer)
      }),
    )
  })

  it("keeps a petitioner's locale unless the body gives one", () => {
    expect(petitionerKept({ locale: 'en' }, {})).toEqual({ locale: 'en' })
    expect(petitionerKept({ locale: 'en' }, { locale: 'zh-CN' })).toEqual({ locale: 'zh-CN' })
  })
})

describe("a person's unit", () => {
  it("is at the existing unit's region, or at the region given to make it", () => {
    expect(personUnitRegion('xihu', { regionCode: '330106' }, undefined)).toEqual({ regionCode: '330106' })
    expect(personUnitRegion('xihu', { regionCode: '330106' }, '330106')).toEqual({ regionCode: '330106' })
    expect(personUnitRegion('xihu', undefined, '330106')).toEqual({ regionCode: '330106' })
  })

  it('needs a region when it does not exist, and the same region when it does', () => {
    expect(personUnitRegion('xihu', undefined, undefined)).toEqual({
      problem: 'unit xihu does not exist: give its region code to make it',
    })
    expect(personUnitRegion('xihu', { regionCode: '330106' }, '330105')).toEqual({
      problem: 'unit xihu exists at region 330106, not 330105',
    })
  })
})

describe('what callers see of a record with a phone', () => {
  it('is the mask, never the ciphertext or the index', () => {
    expect(
      phoneView({ officerId: 'li', phoneCipher: 'c', phoneIndex: 'i', phoneMasked: '138****0000' }),
    ).toEqual({ officerId: 'li', phone: '138****0000' })
  })
})
