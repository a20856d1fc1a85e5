// `npm start` as a user runs it (node --import tsx local/start.ts --in-memory --demo) on free ports: it comes up, serves the
// demo, and every way of stopping it leaves no DynamoDB Local (Java) process behind. It does not use the run's
// shared DynamoDB Local: it starts its own, which is the point.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../../local/dynamodb-local.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

interface Started {
  child: ChildProcess
  dynamodbPort: number
  url: string
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const children: ChildProcess[] = []
const dynamodbPorts: number[] = []

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const processes = () =>
  execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m) => m !== null)
    .map(([, p, pp, args]) => ({ pid: Number(p), ppid: Number(pp), args: args ?? '' }))

/** Every process under `pid` (node runs java), with its command line. */
const descendants = (pid: number): Array<{ pid: number; args: string }> => {
  const rows = processes()
  const found: Array<{ pid: number; args: string }> = []
  const walk = (parent: number) => {
    for (const row of rows.filter((r) => r.ppid === parent)) {
      found.push(row)
      walk(row.pid)
    }
  }
  walk(pid)
  return found
}

/** DynamoDB Local's Java process on `port`, wherever it is in the process tree (an orphan's parent is init). */
const dynamoDbLocalOn = (port: number) =>
  processes().find((p) => p.args.includes('DynamoDBLocal.jar') && p.args.includes(`-port ${port} `))?.pid

const waitFor = async <T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** `args` for local/start.ts; `cwd` holds its `.aftercare/` when not in memory. */
const start = async (args: string[] = ['--in-memory', '--demo'], cwd = root): Promise<Started> => {
  const ports: number[] = []
  while (ports.length < 3) {
    const port = await freePort()
    if (!ports.includes(port)) ports.push(port)
  }
  const [http, dynamodb, fauxqs] = ports as [number, number, number]
  // As package.json's start script: node with tsx's loader, no wrapper process between the signal and the runtime.
  const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href
  const child = spawn(process.execPath, ['--import', tsx, join(root, 'local/start.ts'), ...args], {
    cwd,
    env: {
      ...process.env,
      PORT: String(http),
      DYNAMODB_LOCAL_PORT: String(dynamodb),
      FAUXQS_PORT: String(fauxqs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  dynamodbPorts.push(dynamodb)
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  )
  return { child, dynamodbPort: dynamodb, url: `http://127.0.0.1:${http}`, output: () => output, exited }
}

const javaUnder = (app: Started) =>
  descendants(app.child.pid as number).find((p) => p.args.includes(`-port ${app.dynamodbPort} `))?.pid

const expectGone = async (app: Started, pid: number) => {
  // The Java process is reaped by its parent or, once that has exited, by init: give that a moment.
  await waitFor(
    `java ${pid} to be gone`,
    () => (!alive(pid) && dynamoDbLocalOn(app.dynamodbPort) === undefined) || undefined,
    10_000,
  )
  expect(() => process.kill(pid, 0)).toThrow()
  expect(dynamoDbLocalOn(app.dynamodbPort), 'no DynamoDB Local on that port, orphaned or not').toBeUndefined()
}

afterEach(() => {
  // Whatever a failed test left behind.
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
  for (const port of dynamodbPorts.splice(0)) {
    const pid = dynamoDbLocalOn(port)
    if (pid) process.kill(pid, 'SIGKILL')
  }
})

describe('npm start', () => {
  it('serves the demo, then stops on SIGTERM with exit 0 and leaves no Java process', async () => {
    const app = await start()
    await waitFor('the demo tokens', () => /Ctrl-C stops everything/.test(app.output()) || undefined, 45_000)
    const health = await fetch(`${app.url}/health`)
    expect(health.status).toBe(200)
    expect((await fetch(`${app.url}/local/sms`)).status).toBe(200)

    // The seeded matter's first visit, planned from the stream, as the demo officer sees it.
    const visitId = /first visit: \/visits\/([\w-]+)/.exec(app.output())?.[1]
    const token = /officer token \(demo-officer-wang\):\s+(\S+)/.exec(app.output())?.[1]
    expect(visitId).toMatch(/^(demo-\d{14})\.\1-resolved-v1$/)
    const visit = await waitFor(
      'the demo visit',
      async () => {
        const r = await fetch(`${app.url}/visits/${visitId}`, {
          headers: { authorization: `Bearer ${token}` },
        })
        return r.status === 200 ? ((await r.json()) as Record<string, unknown>) : undefined
      },
      10_000,
    )
    expect(visit).toMatchObject({ visitId, officerId: 'demo-officer-wang' })

    // The pid the startup log names is the Java process under npm start.
    const logged = Number(/java pid (\d+)/.exec(app.output())?.[1])
    expect(javaUnder(app)).toBe(logged)

    app.child.kill('SIGTERM')
    expect(await app.exited).toEqual({ code: 0, signal: null })
    await expectGone(app, logged)
  })

  it('stops what has started on SIGTERM during startup and exits 143, leaving no Java process', async () => {
    const app = await start()
    const java = await waitFor('java to start', () => javaUnder(app), 30_000)
    expect(app.output()).not.toMatch(/Aftercare is running/)
    app.child.kill('SIGTERM')
    expect(await app.exited).toEqual({ code: 143, signal: null })
    expect(app.output()).not.toMatch(/Aftercare is running/)
    await expectGone(app, java)
  })

  it('handles SIGHUP like SIGTERM, and a second signal forces the exit after killing Java', async () => {
    const app = await start()
    const java = await waitFor('java to start', () => javaUnder(app), 30_000)
    // A closing terminal sends SIGHUP to every process of the session.
    const node = app.child.pid as number
    // A Java process that does not stop on SIGTERM (stopped, it cannot act on it): only the second signal ends this.
    process.kill(java, 'SIGSTOP')
    process.kill(node, 'SIGHUP')
    await waitFor('the first SIGHUP', () => /SIGHUP: stopping/.test(app.output()) || undefined, 5000)
    process.kill(node, 'SIGHUP')
    expect(await app.exited).toEqual({ code: 129, signal: null })
    expect(app.output()).toMatch(/SIGHUP again: forcing the exit/)
    await expectGone(app, java)
  })

  it('keeps its data, tokens and keys in .aftercare/ across a restart', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aftercare-start-'))
    const keys = () =>
      ['token-secret', 'crypto-key', 'inbound-sms-secret'].map((f) =>
        readFileSync(join(home, '.aftercare', f), 'utf8'),
      )
    try {
      const first = await start(['--demo'], home)
      await waitFor('the demo', () => /Ctrl-C stops everything/.test(first.output()) || undefined, 45_000)
      const visitId = /first visit: \/visits\/([\w-]+)/.exec(first.output())?.[1]
      const token = /officer token \(demo-officer-wang\):\s+(\S+)/.exec(first.output())?.[1]
      const read = (app: Started) =>
        fetch(`${app.url}/visits/${visitId}`, { headers: { authorization: `Bearer ${token}` } })
      await waitFor(
        'the demo visit',
        async () => ((await read(first)).status === 200 ? true : undefined),
        10_000,
      )
      const keysBefore = keys()
      first.child.kill('SIGTERM')
      expect(await first.exited).toEqual({ code: 0, signal: null })

      // Started again without the demo: the visit is still there, the old token is still good, the keys the same.
      const again = await start([], home)
      await waitFor('the restart', () => /Ctrl-C stops everything/.test(again.output()) || undefined, 45_000)
      const visit = await read(again)
      expect(visit.status).toBe(200)
      expect(await visit.json()).toMatchObject({ visitId, status: 'planned' })
      expect(keys()).toEqual(keysBefore)
      again.child.kill('SIGTERM')
      expect(await again.exited).toEqual({ code: 0, signal: null })
    } finally {
      // Nothing may still write into the folder when it is removed.
      await Promise.all(
        children
          .filter((c) => c.exitCode === null && c.signalCode === null)
          .map((c) => {
            c.kill('SIGKILL')
            return new Promise((done) => c.once('exit', done))
          }),
      )
      rmSync(home, { recursive: true, force: true })
    }
  }, 180_000)
})
