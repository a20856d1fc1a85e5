// CSV that Excel and WPS open safely: UTF-8 with a byte-order mark, CRLF line ends, RFC 4180 quoting, and a cell
// that starts like a formula (= + - @, or a tab or carriage return) prefixed with an apostrophe.
const FORMULA_START = /^[=+\-@\t\r]/

export const csvCell = (value: string | number | null | undefined): string => {
  if (value === null || value === undefined) return ''
  let text = String(value)
  // Numbers are written as numbers: a negative one is a value, not a formula.
  if (typeof value !== 'number' && FORMULA_START.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text
}

export const toCsv = (
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>,
) => `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`
