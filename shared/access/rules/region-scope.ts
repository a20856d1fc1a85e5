// Region scope: a division code covers every code that starts with its significant prefix (2, 4, 6, 9 or 12 digits).
const SIGNIFICANT_LENGTHS = [2, 4, 6, 9, 12] as const

export const isRegionCode = (code: string): boolean => /^\d{6}$|^\d{9}$|^\d{12}$/.test(code)

const pad = (code: string) => code.padEnd(12, '0')

/** 330000 → "33", 330100 → "3301", 330106 → "330106", 330106001000 → "330106001". */
export const significantPrefix = (code: string): string => {
  const full = pad(code)
  for (const length of SIGNIFICANT_LENGTHS) {
    if (/^0*$/.test(full.slice(length))) return full.slice(0, length)
  }
  return full
}

export const regionCovers = (scope: string, code: string): boolean =>
  pad(code).startsWith(significantPrefix(scope))

/** The significant prefixes of a code and of every region above it, most specific first: 330106 → 330106, 3301, 33. */
export const regionAncestry = (code: string): string[] => {
  const prefix = significantPrefix(code)
  return [...SIGNIFICANT_LENGTHS]
    .reverse()
    .filter((length) => length <= prefix.length)
    .map((length) => prefix.slice(0, length))
}

/** Where a region's items sit in a province-wide index: the province, then the 12-digit code (see gsi3). */
export const regionIndexKeys = (code: string) => ({
  partition: `REGION#${code.slice(0, 2)}`,
  sortPrefix: pad(code),
})

/** The division code a significant prefix stands for (`33` → `330000`, `3301` → `330100`); longer codes as they are. */
export const regionCodeOfPrefix = (prefix: string) => (prefix.length < 6 ? prefix.padEnd(6, '0') : prefix)
