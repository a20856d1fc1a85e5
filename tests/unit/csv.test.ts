import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { csvCell, toCsv } from '../../shared/platform/csv.ts'

/** A small RFC 4180 reader, to check that what we write reads back as it was meant. */
const parse = (csv: string): string[][] => {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i]
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\r' && csv[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += c
  }
  return rows
}

describe('the monthly CSV', () => {
  it('starts with a byte-order mark and ends every line with CRLF', () => {
    const csv = toCsv(['单位', '回访员'], [['西溪街道', '王芳']])
    expect(csv.startsWith('\uFEFF')).toBe(true)
    expect(csv).toBe('\uFEFF单位,回访员\r\n西溪街道,王芳\r\n')
  })

  it('quotes commas, quotes and line breaks as RFC 4180 says', () => {
    expect(csvCell('西溪街道, 第一组')).toBe('"西溪街道, 第一组"')
    expect(csvCell('说"不满意"')).toBe('"说""不满意"""')
    expect(csvCell('两行\n文字')).toBe('"两行\n文字"')
  })

  it('defuses cells that a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://x","点我")')).toBe(`"'=HYPERLINK(""http://x"",""点我"")"`)
    expect(csvCell('+86 138')).toBe("'+86 138")
    expect(csvCell('-1+1')).toBe("'-1+1")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell(-3)).toBe('-3')
  })

  it('defuses a tab, a carriage return or a line feed at the start, alone or before a formula', () => {
    expect(csvCell('\t')).toBe(`"'\t"`) // quoted too: it ends with whitespace
    expect(csvCell('\tplain')).toBe("'\tplain")
    expect(csvCell('\t=1+1')).toBe("'\t=1+1")
    expect(csvCell('\r')).toBe(`"'\r"`)
    expect(csvCell('\r=1+1')).toBe(`"'\r=1+1"`)
    expect(csvCell('\n')).toBe(`"'\n"`)
    expect(csvCell('\n@SUM(A1)')).toBe(`"'\n@SUM(A1)"`)
    expect(csvCell('\r\n-2')).toBe(`"'\r\n-2"`)
    expect(csvCell('\u0000=1')).toBe("'\u0000=1")
    // Inside a cell they are text.
    expect(csvCell('a\tb')).toBe('a\tb')
    expect(csvCell('a\nb')).toBe('"a\nb"')
  })

  it('defuses a formula after leading whitespace or invisible characters', () => {
    expect(csvCell(' =1+1')).toBe("' =1+1")
    expect(csvCell('   +86')).toBe("'   +86")
    expect(csvCell('\u3000=1')).toBe("'\u3000=1") // the ideographic space
    expect(csvCell('\u00a0-1')).toBe("'\u00a0-1") // a no-break space
    expect(csvCell('\u200b@x')).toBe("'\u200b@x") // a zero-width space
    expect(csvCell('\ufeff=1')).toBe("'\ufeff=1") // a byte-order mark
    expect(csvCell('\u202e=1')).toBe("'\u202e=1") // a right-to-left override
    // Whitespace before text that is no formula: quoted, as RFC 4180 keeps it, and not prefixed.
    expect(csvCell(' 西溪街道')).toBe('" 西溪街道"')
  })

  it('defuses the full-width and small forms of = + - @', () => {
    for (const trigger of ['＝', '＋', '－', '＠', '﹦', '﹢', '﹣', '﹫']) {
      expect(csvCell(`${trigger}SUM(A1)`), trigger).toBe(`'${trigger}SUM(A1)`)
      expect(csvCell(`\u3000${trigger}1`), trigger).toBe(`'\u3000${trigger}1`)
    }
    expect(csvCell('王＝芳')).toBe('王＝芳')
  })
})

/** The test's own reading of the rule: the first character after whitespace and invisible ones, and what it is. */
const TRIGGERS = '=+-@＝＋－＠﹦﹢﹣﹫'
const firstVisible = (text: string) => [...text].find((c) => !/^[\s\p{C}]$/u.test(c)) ?? ''
const runnable = (text: string) => /^\p{Cc}/u.test(text) || TRIGGERS.includes(firstVisible(text) || '\u0000')

/** Whitespace, controls and invisible characters a hostile cell may start with. */
const LEADERS = [
  ' ',
  '\t',
  '\r',
  '\n',
  '\r\n',
  '\u0000',
  '\u000b',
  '\u00a0',
  '\u2003',
  '\u3000',
  '\u200b',
  '\ufeff',
  '\u202e',
  '\u2028',
]

describe('the monthly CSV, any text', () => {
  /** Full unicode: every code point, astral ones and controls included. */
  const anyText = fc.string({ unit: 'binary', maxLength: 20 })
  const hostile = fc
    .tuple(fc.array(fc.constantFrom(...LEADERS), { maxLength: 3 }), fc.constantFrom(...TRIGGERS), anyText)
    .map(([leaders, trigger, rest]) => `${leaders.join('')}${trigger}${rest}`)
  const rowsOf = (cell: fc.Arbitrary<string>) =>
    fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { maxLength: 5 })
  const readBack = (rows: string[][]) => parse(toCsv(['a', 'b'], rows).slice(1)).slice(1)

  it('reads back every text as written, or with one apostrophe before a formula', () => {
    fc.assert(
      fc.property(rowsOf(fc.oneof(anyText, hostile)), (rows) => {
        expect(readBack(rows)).toEqual(rows.map((r) => r.map((t) => (runnable(t) ? `'${t}` : t))))
      }),
    )
  })

  it('never lets a cell start with a formula, whatever whitespace or invisible characters come first', () => {
    fc.assert(
      fc.property(rowsOf(hostile), (rows) => {
        for (const cell of readBack(rows).flat())
          expect(cell.startsWith("'"), JSON.stringify(cell)).toBe(true)
      }),
    )
  })

  it('leaves text that starts with anything else as it is', () => {
    const plain = anyText.filter(
      (t) => t !== '' && !/^[\s\p{C}]/u.test(t) && !TRIGGERS.includes(firstVisible(t)),
    )
    fc.assert(
      fc.property(rowsOf(plain), (rows) => {
        expect(readBack(rows)).toEqual(rows)
      }),
    )
  })
})
