// The layout by context holds: files stay small enough to read, and an office action never spells a table key (the
// lint refuses the table library and the AWS SDK in actions and rules; this catches a key written by hand).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = new URL('../../', import.meta.url).pathname
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : []
  })
const shared = filesUnder(join(root, 'shared')).map((path) => relative(root, path))

/** Declarations (entity schemas, the table, what each function uses, route declarations) may run longer. */
const declarative = /(^|\/)(entities|resources|table-design|routes)\.ts$/
const MAX_LINES = 300

describe('the layout by context', () => {
  it(`keeps every file under shared/ within ${MAX_LINES} lines, declarations aside`, () => {
    const long = shared
      .filter((path) => !declarative.test(path))
      .map((path) => [path, (readFileSync(join(root, path), 'utf8').match(/\n/g) ?? []).length] as const)
      .filter(([, lines]) => lines > MAX_LINES)
    expect(long).toEqual([])
  })

  it('has no office action that spells a table key (`OFFICER#…`): keys belong to the context store', () => {
    const keyLiteral = /[`'"][A-Z][A-Z_-]*#/
    const spelled = shared
      .filter((path) => /^shared\/[^/]+\/actions\//.test(path))
      .filter((path) => keyLiteral.test(readFileSync(join(root, path), 'utf8')))
    expect(spelled).toEqual([])
  })

  it('gives every context its actions beside its store', () => {
    for (const context of ['calendar', 'directory', 'matters', 'notifications', 'scheduling', 'visits']) {
      const files = shared.filter((path) => path.startsWith(`shared/${context}/`))
      expect(
        files.some((path) => path.includes('/actions/')),
        context,
      ).toBe(true)
      expect(
        files.some((path) => /\/store(\.ts|\/)/.test(path)),
        context,
      ).toBe(true)
    }
  })
})
