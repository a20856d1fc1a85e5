// The README's shell examples, as a newcomer pastes them: every call names a route that exists with that method,
// no request carries a hard-coded date (it would be in the past one day: dates are computed), a visit read right
// after the event that plans it is polled, the demo keeps out of the walk-through's region, and every
// `npm run` script exists. (They were also run against `npm start`; see decision 0018.)
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { DEMO_REGION } from '../../local/demo.ts'
import { localStartSchema } from '../../shared/platform/config.ts'
import { routes } from '../../shared/platform/http/all-routes.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>
  engines: { node: string }
}

/** The commands of one shell block: a command goes on while a quote is open or a line ends with a backslash. */
const commandsOf = (block: string): string[] => {
  const commands: string[] = []
  let current = ''
  for (const line of block.split('\n')) {
    current = current ? `${current}\n${line}` : line
    const unquoted = current.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '')
    if (/["']/.test(unquoted) || current.endsWith('\\')) continue
    if (current.trim() && !current.trim().startsWith('#')) commands.push(current.trim())
    current = ''
  }
  if (current.trim()) commands.push(current.trim())
  return commands
}

const shellBlocks = [...readme.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1] as string)
const commands = shellBlocks.flatMap(commandsOf)

interface Call {
  command: string
  method: string
  path: string
}

const calls: Call[] = commands.flatMap((command) => {
  const url = /localhost:(\d+)(\/[^\s'"?]*)/.exec(command)
  if (!/\bcurl\b/.test(command) || !url) return []
  const method = /-X\s+([A-Z]+)/.exec(command)?.[1] ?? (/\s-d\s/.test(command) ? 'POST' : 'GET')
  return [{ command, method, path: url[2] as string }]
})

const routeOf = (call: Call) =>
  routes.find(
    (route) =>
      route.method === call.method &&
      new RegExp(`^${route.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(call.path),
  )

describe("the README's shell examples", () => {
  it('are found (the parse itself works)', () => {
    expect(shellBlocks.length).toBeGreaterThan(3)
    expect(calls.length).toBeGreaterThanOrEqual(12)
  })

  it('call routes that exist, with their method, on the default port', () => {
    const port = String(localStartSchema.parse({}).PORT)
    for (const call of calls) {
      expect(routeOf(call), `${call.method} ${call.path}`).toBeDefined()
      expect(call.command, call.path).toContain(`localhost:${port}/`)
    }
  })

  it('mark no option as optional with brackets, which the shell would pass on as they are', () => {
    for (const command of commands) expect(command).not.toMatch(/\s\[--/)
  })

  it('carry no hard-coded date: a date pasted from the README must not be in the past', () => {
    for (const command of commands) {
      expect(command).not.toMatch(/\b20\d\d-\d\d-\d\d\b/)
    }
  })

  it('poll for a visit read right after the event that plans it: it is planned in the background', () => {
    let eventRecorded = false
    for (const command of commands) {
      const call = calls.find((c) => c.command === command)
      if (call?.method === 'POST' && /^\/matters\/[^/]+\/events$/.test(call.path)) eventRecorded = true
      else if (eventRecorded && call?.method === 'GET' && call.path.startsWith('/visits/')) {
        expect(command, 'the first read of a visit after the event').toMatch(/^until\b/)
        eventRecorded = false
      }
    }
  })

  it('run only npm scripts that exist', () => {
    const used = [...readme.matchAll(/npm run (?:-s )?([a-z][\w:-]*)/g)].map((m) => m[1] as string)
    expect(used.length).toBeGreaterThan(5)
    for (const script of used) expect(packageJson.scripts, `npm run ${script}`).toHaveProperty(script)
  })

  it('keep out of the demo region, so that the default cadence they describe is the one they get', () => {
    const regions = commands.flatMap((c) =>
      [...c.matchAll(/"regionCode":"(\d+)"/g)].map((m) => m[1] as string),
    )
    expect(regions.length).toBeGreaterThan(0)
    for (const region of regions) expect(region.startsWith(DEMO_REGION), region).toBe(false)
    expect(readme).toContain(`(滨江区 ${DEMO_REGION}:`)
  })

  it('state the Node.js version package.json requires', () => {
    const required = /^>=(\d+(?:\.\d+)*)$/.exec(packageJson.engines.node)?.[1]
    expect(required).toBeDefined()
    expect(readme).toContain(`Needs Node.js ${required} or newer`)
  })
})
