// `npm start` as a user runs it (node --import tsx local/start.ts --in-memory --demo) on free ports: it comes up, serves the
// demo, and every way of stopping it leaves no DynamoDB Local (Java) process behind. It does not use the run's
// shared DynamoDB Local: it starts its own, which is the point. Each start runs in a folder of its own (its
// .aftercare/), never in the working copy's. A port in use, or a folder in use, stops it with a message naming what.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../../local/dynamodb-local.ts'
import { startLocalFauxqs } from '../../local/runtime.ts'
import { signLocalIdToken } from '../../local/tokens.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

interface Started {
  child: ChildProcess
  dynamodbPort: number
  /** The folder it runs in, and so holds its .aftercare/. */
  home: string
  ports: { http: number; dynamodb: number; fauxqs: number }
  url: string
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const children: ChildProcess[] = []
const dynamodbPorts: number[] = []
const homes: string[] = []
const blockers: Server[] = []

/** A fresh folder for one start's .aftercare/. */
const newHome = () => {
  const home = mkdtempSync(join(tmpdir(), 'aftercare-start-'))
  homes.push(home)
  return home
}

/** Something else listening on `port` (on `host`), as another program would. */
const occupy = (port: number, host: string) =>
  new Promise<Server>((ok, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(port, host, () => ok(server))
    blockers.push(server)
  })

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

/** `args` for local/start.ts; `cwd` holds its `.aftercare/` (its keys, and its data when not in memory). */
const start = async (
  args: string[] = ['--in-memory', '--demo'],
  cwd = newHome(),
  given: { http?: number; dynamodb?: number; fauxqs?: number } = {},
): Promise<Started> => {
  const ports: number[] = []
  while (ports.length < 3) {
    const port = await freePort()
    if (!ports.includes(port)) ports.push(port)
  }
  const [http = 0, dynamodb = 0, fauxqs = 0] = [
    given.http ?? ports[0],
    given.dynamodb ?? ports[1],
    given.fauxqs ?? ports[2],
  ]
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
  return {
    child,
    dynamodbPort: dynamodb,
    url: `http://127.0.0.1:${http}`,
    output: () => output,
    exited,
    home: cwd,
    ports: { http, dynamodb, fauxqs },
  }
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

afterEach(async () => {
  // Whatever a failed test left behind.
  await Promise.all(
    children.splice(0).map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return undefined
      child.kill('SIGKILL')
      return new Promise((done) => child.once('exit', done))
    }),
  )
  for (const port of dynamodbPorts.splice(0)) {
    const pid = dynamoDbLocalOn(port)
    if (pid) process.kill(pid, 'SIGKILL')
  }
  await Promise.all(blockers.splice(0).map((server) => new Promise((done) => server.close(done))))
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true })
})

describe('npm start', () => {
  it('serves the demo, then stops on SIGTERM with exit 0 and leaves no Java process', async () => {
    const app = await start()
    await waitFor('the demo tokens', () => /Ctrl-C stops everything/.test(app.output()) || undefined, 45_000)
    const health = await fetch(`${app.url}/health`)
    expect(health.status).toBe(200)
    expect((await fetch(`${app.url}/local/sms`)).status).toBe(200)

    // The seeded matter's first visit, planned from the stream, as the demo officer sees it.
    const visitId = /first visit: \/visits\/([\w.-]+)\)/.exec(app.output())?.[1]
    const token = /officer token \(demo-officer-wang\):\s+(\S+)/.exec(app.output())?.[1]
    // Named after the matter and the event: `demo-…` then `.demo-…-resolved-v1`.
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

    // What a user needs to call it, printed: how to get a token, where the inbound SMS secret is; fauxqs's address.
    expect(app.output()).toMatch(/tokens: `npm run person -- …` makes a person and prints a token/)
    expect(app.output()).toContain(
      'inbound SMS secret (header x-aftercare-inbound-secret): .aftercare/inbound-sms-secret',
    )
    expect(app.output()).toContain(`fauxqs (SQS, SNS): http://127.0.0.1:${app.ports.fauxqs}`)
    // In memory, the keys are still .aftercare/'s: a token signed as `npm run token` signs it is accepted, and the
    // inbound secret is the file's.
    const secret = readFileSync(join(app.home, '.aftercare', 'token-secret'), 'utf8').trim()
    const cliToken = await signLocalIdToken(secret, { username: 'demo-officer-wang', lifetimeSeconds: 600 })
    const again = await fetch(`${app.url}/visits/${visitId}`, {
      headers: { authorization: `Bearer ${cliToken}` },
    })
    expect(again.status).toBe(200)
    const inbound = await fetch(`${app.url}/sms/inbound`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-aftercare-inbound-secret': readFileSync(
          join(app.home, '.aftercare', 'inbound-sms-secret'),
          'utf8',
        ).trim(),
      },
      body: JSON.stringify({ from: '+8613900139001', text: '你好' }),
    })
    expect(inbound.status).toBeLessThan(300)
    // Nothing but the keys: no data, no lock.
    expect(existsSync(join(app.home, '.aftercare', 'dynamodb'))).toBe(false)
    expect(existsSync(join(app.home, '.aftercare', 'npm-start.pid'))).toBe(false)

    // The pid the startup log names is the Java process under npm start.
    const logged = Number(/java pid (\d+)/.exec(app.output())?.[1])
    expect(javaUnder(app)).toBe(logged)

    app.child.kill('SIGTERM')
    expect(await app.exited).toEqual({ code: 0, signal: null })
    await expectGone(app, logged)
  })

  it('stops what has started on SIGTERM during startup and exits 143, leaving no Java process', async () => {
    const app = await start()
    // Node and tsx load before Java starts: on two cores shared with the other test files, most of a minute.
    const java = await waitFor('java to start', () => javaUnder(app), 60_000)
    expect(app.output()).not.toMatch(/Aftercare is running/)
    app.child.kill('SIGTERM')
    expect(await app.exited).toEqual({ code: 143, signal: null })
    expect(app.output()).not.toMatch(/Aftercare is running/)
    await expectGone(app, java)
  }, 120_000)

  it('handles SIGHUP like SIGTERM, and a second signal forces the exit after killing Java', async () => {
    const app = await start()
    // Node and tsx load before Java starts: on two cores shared with the other test files, most of a minute.
    const java = await waitFor('java to start', () => javaUnder(app), 60_000)
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
  }, 120_000)

  it('keeps its data, tokens and keys in .aftercare/ across a restart', async () => {
    const home = newHome()
    const keys = () =>
      ['token-secret', 'crypto-key', 'inbound-sms-secret'].map((f) =>
        readFileSync(join(home, '.aftercare', f), 'utf8'),
      )
    try {
      const first = await start(['--demo'], home)
      await waitFor('the demo', () => /Ctrl-C stops everything/.test(first.output()) || undefined, 45_000)
      const visitId = /first visit: \/visits\/([\w.-]+)\)/.exec(first.output())?.[1]
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

  it('runs fauxqs on 127.0.0.1 only', async () => {
    const fauxqs = await startLocalFauxqs(0)
    try {
      expect(fauxqs.host).toBe('127.0.0.1')
      expect((await fetch(`http://127.0.0.1:${fauxqs.port}/_fauxqs/queues`)).status).toBe(200)
      // Every other address of this machine is refused (a machine with loopback only has none to try).
      const others = Object.values(networkInterfaces())
        .flat()
        .filter((a) => a && !a.internal && a.family === 'IPv4')
        .map((a) => a?.address as string)
      for (const address of others) {
        await expect(fetch(`http://${address}:${fauxqs.port}/_fauxqs/queues`), address).rejects.toThrow()
      }
    } finally {
      await fauxqs.stop()
    }
  })

  it('stops at a port in use, naming the component and the variable that moves it, and leaves no Java process', async () => {
    const cases = [
      { component: 'DynamoDB Local', variable: 'DYNAMODB_LOCAL_PORT', key: 'dynamodb', host: '0.0.0.0' },
      { component: 'fauxqs', variable: 'FAUXQS_PORT', key: 'fauxqs', host: '127.0.0.1' },
      { component: 'HTTP API', variable: 'PORT', key: 'http', host: '127.0.0.1' },
    ] as const
    for (const { component, variable, key, host } of cases) {
      const port = await freePort()
      await occupy(port, host)
      const app = await start(['--in-memory'], newHome(), { [key]: port })
      expect(await app.exited, component).toEqual({ code: 1, signal: null })
      expect(app.output()).toContain(
        `${component} cannot listen on port ${port}: it is in use by another program. Stop that program, or set ` +
          `${variable} to a free port`,
      )
      expect(app.output()).not.toMatch(/Aftercare is running/)
      expect(dynamoDbLocalOn(app.dynamodbPort), component).toBeUndefined()
    }
  }, 180_000)

  it("never uses another npm start's DynamoDB Local, nor its folder", async () => {
    const first = await start([], newHome())
    await waitFor(
      'the first start',
      () => /Ctrl-C stops everything/.test(first.output()) || undefined,
      45_000,
    )
    const firstJava = javaUnder(first)
    expect(readFileSync(join(first.home, '.aftercare', 'npm-start.pid'), 'utf8').trim()).toBe(
      String(first.child.pid),
    )

    // The same folder, other ports: refused before anything starts, naming the first one.
    const sameFolder = await start([], first.home)
    expect(await sameFolder.exited).toEqual({ code: 1, signal: null })
    expect(sameFolder.output()).toContain(`another npm start (pid ${first.child.pid}) is using .aftercare/`)
    expect(dynamoDbLocalOn(sameFolder.dynamodbPort)).toBeUndefined()

    // Another folder, the first one's DynamoDB Local port: refused, not served by the first one's Java.
    const samePort = await start(['--in-memory'], newHome(), { dynamodb: first.dynamodbPort })
    expect(await samePort.exited).toEqual({ code: 1, signal: null })
    expect(samePort.output()).toContain(`DynamoDB Local cannot listen on port ${first.dynamodbPort}`)
    expect(samePort.output()).not.toMatch(/Aftercare is running/)

    // The first one went on untouched, and takes its lock with it when it stops.
    expect((await fetch(`${first.url}/health`)).status).toBe(200)
    expect(javaUnder(first)).toBe(firstJava)
    first.child.kill('SIGTERM')
    expect(await first.exited).toEqual({ code: 0, signal: null })
    expect(existsSync(join(first.home, '.aftercare', 'npm-start.pid'))).toBe(false)
  }, 180_000)
})
