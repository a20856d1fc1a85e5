import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { csvCell, toCsv } from '../../shared/domain/reports/csv.ts'

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

  it('reads back every text as written, formulas defused', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 2 }), { maxLength: 5 }),
        (rows) => {
          const csv = toCsv(['a', 'b'], rows).slice(1)
          const back = parse(csv).slice(1)
          expect(back).toEqual(rows.map((r) => r.map((t) => (/^[=+\-@\t\r]/.test(t) ? `'${t}` : t))))
        },
      ),
    )
  })
})
