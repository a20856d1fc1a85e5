// Names and phone numbers of the directory as an administrator submits them: names printable as stored, phones the
// whole text of a number SMS can reach.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { officerInput, petitionerInput, phoneSchema, unitInput } from '#shared/directory/rules/schemas.ts'

const officer = { officerId: 'wang', name: '王芳', phone: '13800138000', unitId: 'township' }
const petitioner = { petitionerId: 'li', name: '李明', phone: '13900139000', unitId: 'community' }
const fieldsRefused = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.success ? [] : (result.error?.issues ?? []).map((i) => i.path.join('.'))

/** A name with `bad` put somewhere in an otherwise ordinary one. */
const withInside = (bad: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.string({ maxLength: 20 }), bad, fc.string({ maxLength: 20 }))
    .map(([before, b, after]) => `${before}${b}${after}`)

const controls = fc
  .oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }))
  .map((c) => String.fromCharCode(c))
const bidiControls = fc.constantFrom(
  ...[0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069].map((c) =>
    String.fromCharCode(c),
  ),
)
const loneSurrogates = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c))

describe('a name', () => {
  it('is refused, naming the field, when it holds a control character (tab, CR, LF, NUL, DEL, C1)', () => {
    fc.assert(
      fc.property(withInside(controls), (name) => {
        expect(fieldsRefused(officerInput.safeParse({ ...officer, name }))).toContain('name')
      }),
    )
    for (const name of ['王\t芳', '王\r\n芳', '王芳\u0000', '\u007f', '王\u0085芳'])
      expect(fieldsRefused(petitionerInput.safeParse({ ...petitioner, name }))).toEqual(['name'])
  })

  it('is refused when it holds a bidirectional override or isolate', () => {
    fc.assert(
      fc.property(withInside(bidiControls), (name) => {
        expect(fieldsRefused(officerInput.safeParse({ ...officer, name }))).toContain('name')
      }),
    )
    const unit = { unitId: 'u', name: '西溪\u202e区湖西', regionCode: '330106', level: 'county' }
    expect(fieldsRefused(unitInput.safeParse(unit))).toEqual(['name'])
  })

  it('is refused when it holds half of a surrogate pair', () => {
    fc.assert(
      fc.property(
        withInside(loneSurrogates).filter((name) => /\p{Cs}/u.test(name)),
        (name) => {
          expect(fieldsRefused(officerInput.safeParse({ ...officer, name }))).toContain('name')
        },
      ),
    )
  })

  it('is kept as given when printable: any script, emoji, spaces inside', () => {
    const printable = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
      .filter(
        (name) =>
          name.length <= 50 && name.trim() !== '' && !/[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/u.test(name),
      )
    fc.assert(
      fc.property(printable, (name) => {
        const parsed = officerInput.parse({ ...officer, name })
        expect(parsed.name).toBe(name)
      }),
    )
    for (const name of ['王芳', 'Ахмед', 'محمد', 'Zoë 👩🏽‍⚕️', '欧阳 娜娜'])
      expect(officerInput.parse({ ...officer, name }).name).toBe(name)
  })
})

describe('a phone number', () => {
  const refused = (phone: string) => !phoneSchema.safeParse(phone).success

  it('is the whole text: a number is not picked out of letters around it', () => {
    expect(refused('abc13800138000')).toBe(true)
    expect(refused('13800138000x')).toBe(true)
    expect(refused('tel:+8613800138000')).toBe(true)
    expect(refused('13800138000 ext. 5')).toBe(true)
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 5 }).filter((s) => /\p{L}/u.test(s)),
        fc.integer({ min: 0, max: 99_999_999 }),
        (letters, n) => {
          const mobile = `138${String(n).padStart(8, '0')}`
          expect(refused(`${letters}${mobile}`)).toBe(true)
          expect(refused(`${mobile}${letters}`)).toBe(true)
        },
      ),
    )
  })

  it('is a mobile: SMS cannot reach a landline', () => {
    expect(refused('010 12345678')).toBe(true)
    expect(refused('+86 571 8888 8888')).toBe(true)
    expect(refused('+852 2123 4567')).toBe(true)
    expect(refused('12345')).toBe(true)
    expect(phoneSchema.safeParse('010 12345678').error?.issues[0]?.message).toMatch(
      /valid phone number that takes SMS/,
    )
  })

  it('is kept in E.164, however it was written', () => {
    for (const written of [
      '13800138000',
      '138 0013 8000',
      '138-0013-8000',
      '+86 138 0013 8000',
      '0086 13800138000',
    ])
      expect(phoneSchema.parse(written)).toBe('+8613800138000')
    expect(phoneSchema.parse('+852 5123 4567')).toBe('+85251234567')
    expect(officerInput.safeParse({ ...officer, phone: 'abc13800138000' }).error?.issues[0]?.path).toEqual([
      'phone',
    ])
  })
})
