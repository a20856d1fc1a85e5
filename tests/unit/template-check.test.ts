// Template texts checked at save time: unknown, missing and malformed placeholders, and length.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkTemplateText,
  exampleRendering,
  MAX_TEMPLATE_PARTS,
  placeholdersOf,
  templateLength,
} from '../../shared/notifications/rules/template-check.ts'
import { renderTemplate, templates } from '../../shared/notifications/rules/templates.ts'

const reminder = templates['officer-visit-reminder']
const params = reminder.params
const required = ['officerName', 'matterId', 'dueDate']
const examples = {
  officerName: '王芳',
  sequence: '1',
  matterId: 'c-2026-001',
  petitionerName: '李明',
  dueDate: '2026-03-02',
}
const check = (text: string) => checkTemplateText({ text, params, required, examples })
const reasons = (text: string) => check(text).map((p) => p.reason)

describe('placeholdersOf', () => {
  it('lists each placeholder once, in order of appearance', () => {
    expect(placeholdersOf('{b} and {a_1}, again {b}; not { c } nor {}')).toEqual(['b', 'a_1'])
    expect(placeholdersOf(reminder.text['zh-CN'])).toEqual([
      'officerName',
      'matterId',
      'sequence',
      'petitionerName',
      'dueDate',
    ])
  })
})

describe('checkTemplateText', () => {
  it('accepts the shipped zh-CN and en texts', () => {
    expect(check(reminder.text['zh-CN'])).toEqual([])
    expect(check(reminder.text.en)).toEqual([])
  })

  it('refuses an unknown placeholder, naming it, suggesting the near one and listing the known ones', () => {
    const problems = check('{officerName}：{matterId} 应于{dueDat}完成')
    expect(problems.every((p) => p.field === 'text')).toBe(true)
    expect(problems.map((p) => p.reason)).toEqual([
      'unknown placeholder {dueDat} (did you mean {dueDate}?); known placeholders: ' +
        '{officerName}, {sequence}, {matterId}, {petitionerName}, {dueDate}',
      'required placeholder {dueDate} is missing', // the typo also leaves the real one out
    ])
  })

  it('treats placeholders as case-sensitive, as renderTemplate does', () => {
    expect(reasons('{officerName} {matterId} {DueDate}')).toEqual([
      expect.stringContaining('unknown placeholder {DueDate} (did you mean {dueDate}?)'),
      'required placeholder {dueDate} is missing',
    ])
  })

  it('refuses a text without a required placeholder, naming it', () => {
    expect(reasons('{officerName}：信访事项{matterId}请及时回访。')).toEqual([
      'required placeholder {dueDate} is missing',
    ])
  })

  it('accepts a text that leaves out an optional placeholder', () => {
    expect(check('{officerName}：{matterId}应于{dueDate}完成回访。')).toEqual([])
  })

  it.each([
    ['{ {officerName} {matterId} {dueDate}', 'unclosed "{" at position 1'],
    ['{officerName} {matterId} {dueDate} {sequence', 'unclosed "{" at position 36'],
    ['{officerName}} {matterId} {dueDate}', 'stray "}" at position 14'],
    ['{officerName} {} {matterId} {dueDate}', 'empty placeholder "{}" at position 15'],
    [
      '{officer name} {officerName} {matterId} {dueDate}',
      'malformed placeholder "{officer name}" at position 1',
    ],
    ['{officerName} {matterId} {due-date} {dueDate}', 'malformed placeholder "{due-date}" at position 26'],
  ])('refuses malformed braces in %j', (text, reason) => {
    expect(reasons(text)).toEqual([expect.stringContaining(reason)])
  })

  it('refuses an empty or blank text', () => {
    expect(check('')).toEqual([{ field: 'text', reason: 'the text is empty' }])
    expect(check('  \n')).toEqual([{ field: 'text', reason: 'the text is empty' }])
  })

  it(`refuses a text over ${MAX_TEMPLATE_PARTS} parts once rendered, but not one at the limit`, () => {
    const head = '{officerName}{matterId}{dueDate}' // renders to 2 + 10 + 10 = 22 code units
    const atLimit = head + '访'.repeat(67 * MAX_TEMPLATE_PARTS - 22)
    expect(templateLength(atLimit, examples).parts).toBe(MAX_TEMPLATE_PARTS)
    expect(check(atLimit)).toEqual([])
    expect(reasons(`${atLimit}访`)).toEqual([
      `the text is too long: ${MAX_TEMPLATE_PARTS + 1} SMS parts (${67 * MAX_TEMPLATE_PARTS + 1} UCS-2 code units) with example values, at most ${MAX_TEMPLATE_PARTS}`,
    ])
  })

  it('reports every problem at once', () => {
    expect(reasons('{officerName} {matterId} {dueDat} }')).toHaveLength(3) // stray }, unknown, missing
  })
})

describe('exampleRendering and templateLength', () => {
  it('render as renderTemplate does when every placeholder has an example', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      expect(exampleRendering(reminder.text[locale], examples)).toBe(
        renderTemplate('officer-visit-reminder', locale, examples),
      )
    }
  })

  it('show the admin the length the recipient gets: the zh-CN reminder is one SMS', () => {
    expect(templateLength(reminder.text['zh-CN'], examples)).toEqual({
      encoding: 'UCS-2',
      characters: 52,
      parts: 1,
    })
  })

  it('leave a placeholder without an example as written, even one named like an Object property', () => {
    expect(exampleRendering('{officerName} {constructor} {x}', { officerName: '王芳' })).toBe(
      '王芳 {constructor} {x}',
    )
  })

  it('property: a text without braces is accepted iff non-blank and within the part limit', () => {
    const plain = fc.string({ maxLength: 300 }).filter((s) => !/[{}]/.test(s))
    fc.assert(
      fc.property(plain, (text) => {
        const problems = checkTemplateText({ text, params, required: [] })
        const expected = text.trim() !== '' && templateLength(text, {}).parts <= MAX_TEMPLATE_PARTS
        expect(problems.length === 0).toBe(expected)
      }),
    )
  })

  it('property: placeholders of a text built from known ones are exactly those, and it is accepted', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...params), { minLength: 1, maxLength: 8 }), (names) => {
        const text = names.map((n) => `访{${n}}`).join('，')
        expect(placeholdersOf(text)).toEqual([...new Set(names)])
        expect(checkTemplateText({ text, params, required: [...new Set(names)] })).toEqual([])
      }),
    )
  })
})
