// The README's configuration table is the schemas of shared/platform/config.ts, written out: same variables, same
// defaults, same "required" (always, or in one mode). Variables read by name elsewhere (process.env.X) are in it
// too, with the file that reads them.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { cdkAppSchema, configSchema, localStartSchema, requiredInMode } from '../../shared/platform/config.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

interface Row {
  name: string
  readBy: string[]
  fallback: string
}

const readmeRows = (): Row[] => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const section = /^## Configuration\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1]
  if (!section) throw new Error('README.md has no "## Configuration" section')
  const lines = section.split('\n').filter((line) => line.startsWith('|'))
  const [header, , ...body] = lines
  expect(header?.split('|').map((c) => c.trim())).toEqual([
    '',
    'variable',
    'read by',
    'meaning',
    'default',
    '',
  ])
  return body.flatMap((line) => {
    const [variables = '', readBy = '', , fallback = ''] = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim())
    const names = [...variables.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1] as string)
    const files = [...readBy.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string)
    return names.map((name) => ({ name, readBy: files, fallback }))
  })
}

type Schema = { shape: Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }> }

/** What the README's default column must say for `key`, as far as the schema can tell. */
const expectedDefault = (schema: Schema, key: string): RegExp => {
  const parsed = schema.shape[key]?.safeParse(undefined)
  if (!parsed?.success) return /^required\b(?! in)/
  if (parsed.data !== undefined) return new RegExp(`^\`${String(parsed.data)}\`$`)
  for (const mode of ['local', 'aws'] as const)
    if ((requiredInMode[mode] as readonly string[]).includes(key))
      return new RegExp(`^required in ${mode} mode$`)
  return /^none$/
}

const schemas: Record<string, Schema> = {
  'shared/platform/config.ts': configSchema as unknown as Schema,
  'local/start.ts': localStartSchema as unknown as Schema,
  'infra/app.ts': cdkAppSchema as unknown as Schema,
}

const sourceFiles = (directory: string): string[] =>
  readdirSync(join(root, directory), { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })

describe('README configuration table', () => {
  const rows = readmeRows()

  for (const [file, schema] of Object.entries(schemas)) {
    it(`lists exactly the variables of ${file}'s schema, with their defaults`, () => {
      const documented = rows.filter((row) => row.readBy.includes(file))
      expect(documented.map((row) => row.name).sort()).toEqual(Object.keys(schema.shape).sort())
      for (const row of documented) expect(row.fallback, row.name).toMatch(expectedDefault(schema, row.name))
    })
  }

  it('lists every variable read by name elsewhere, with the file that reads it', () => {
    const reads = ['shared', 'functions', 'local', 'infra', 'bench', 'scripts']
      .flatMap((directory) => {
        try {
          return sourceFiles(directory)
        } catch {
          return []
        }
      })
      .flatMap((file) =>
        [...readFileSync(join(root, file), 'utf8').matchAll(/\b(?:process\.)?env\.([A-Z][A-Z0-9_]*)\b/g)].map(
          (m) => ({ file, name: m[1] as string }),
        ),
      )
    expect(reads.length).toBeGreaterThan(0)
    for (const { file, name } of reads) {
      const row = rows.find((r) => r.name === name && r.readBy.includes(file))
      expect(row, `${name} (read in ${file}) in the README table`).toBeDefined()
    }
  })
})
