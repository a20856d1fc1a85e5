// CSV that Excel and WPS open safely: UTF-8 with a byte-order mark, CRLF line ends, RFC 4180 quoting, and a cell
// that a spreadsheet could run as a formula prefixed with an apostrophe (OWASP's CSV injection advice: no cell may
// begin with = + - @, a tab or a carriage return).
//
// OWASP's list is of ASCII first characters; spreadsheets are more lenient than that: some skip leading whitespace
// before a formula, some take the full-width ＝＋－＠ a Chinese input method types for their ASCII forms. So a cell is
// defused when it begins with any control character (tab, CR, LF, NUL…), or when its first visible character, after
// any whitespace (the ideographic space too) and invisible characters (zero-width space, byte-order mark, bidi
// marks), is one of = + - @ in their ASCII, full-width or small forms.
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '＝', '＋', '－', '＠', '﹦', '﹢', '﹣', '﹫'])
const INVISIBLE_START = /^[\s\p{C}]+/u
const CONTROL_START = /^\p{Cc}/u

/** Whether a spreadsheet could read the text as a formula (or as the start of one). */
export const startsLikeFormula = (text: string): boolean => {
  if (CONTROL_START.test(text)) return true
  const visible = text.replace(INVISIBLE_START, '')
  const first = visible.codePointAt(0)
  return first !== undefined && FORMULA_TRIGGERS.has(String.fromCodePoint(first))
}

export const csvCell = (value: string | number | null | undefined): string => {
  if (value === null || value === undefined) return ''
  let text = String(value)
  // Numbers are written as numbers: a negative one is a value, not a formula.
  if (typeof value !== 'number' && startsLikeFormula(text)) text = `'${text}`
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text
}

export const toCsv = (
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>,
) => `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`
