// `npm start`: Aftercare on this machine. `--demo` seeds a demo region; `--in-memory` keeps no data (the keys in
// .aftercare/ are used all the same, so that `npm run token` and `npm run person` work with it).
//
// Ports: a port in use stops the start, naming the component and the variable that moves it. One persistent
// installation per folder: a second `npm start` on the same .aftercare/ stops at once, naming the first one's pid.
//
// Stopping: SIGINT, SIGTERM or SIGHUP stops everything it started (DynamoDB Local's Java process above all) and
// exits 0 when Aftercare was up, 128 + the signal's number (130, 143, 129) when the signal came during startup.
// A second signal while stopping forces the exit at once, after killing Java. A failure anywhere (the demo seed
// included) stops what was started, then exits 1.

import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { constants } from 'node:os'
import { parseArgs } from 'node:util'
import { fileSink } from '#shared/platform/aws/call-recorder.ts'
import { loadLocalStartConfig } from '#shared/platform/config.ts'
import { localKeyFromFile } from '#shared/platform/crypto/local-crypto.ts'
import { maskPhone } from '#shared/platform/masking.ts'
import { DEMO_REGION, demoPeople, seedDemo } from './demo.ts'
import { killDynamoDbLocals, stopDynamoDbLocals } from './dynamodb-local.ts'
import { PortInUseError, type Runtime, startRuntime } from './runtime.ts'
import { localTokenSecret } from './tokens.ts'

const DATA_DIRECTORY = '.aftercare'
const LOCK_FILE = `${DATA_DIRECTORY}/npm-start.pid`
/** The variable that moves each component (shared/platform/config.ts, localStartSchema). */
const PORT_VARIABLES = {
  'DynamoDB Local': 'DYNAMODB_LOCAL_PORT',
  fauxqs: 'FAUXQS_PORT',
  'HTTP API': 'PORT',
} as const
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
type StopSignal = (typeof SIGNALS)[number]
/** How long a signal during startup waits for the half-started runtime to unwind before exiting anyway. */
const STARTUP_UNWIND_MS = 10_000

let starting: Promise<Runtime> | undefined
let runtime: Runtime | undefined
let ready = false
let stopping: Promise<never> | undefined

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes .aftercare/ for this process: two `npm start`s on one folder would open one DynamoDB file twice and share
 * stream checkpoints. A lock left by a process that is gone (killed with SIGKILL) is taken over.
 */
const lockDataDirectory = () => {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(LOCK_FILE, `${process.pid}\n`, { flag: 'wx', mode: 0o600 })
      process.once('exit', () => {
        try {
          if (readFileSync(LOCK_FILE, 'utf8').trim() === String(process.pid))
            rmSync(LOCK_FILE, { force: true })
        } catch {} // already gone
      })
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number(readFileSync(LOCK_FILE, 'utf8').trim())
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new Error(
          `another npm start (pid ${holder}) is using ${DATA_DIRECTORY}/: stop it first, or run this one with ` +
            `--in-memory (and other ports: PORT, DYNAMODB_LOCAL_PORT, FAUXQS_PORT)`,
        )
      }
      rmSync(LOCK_FILE, { force: true })
    }
  }
  throw new Error(`${LOCK_FILE} could not be taken`)
}

/** Stops whatever has started, once, then exits with `code` (1 instead of 0 when something did not stop). */
const stopAndExit = (code: number): Promise<never> => {
  stopping ??= (async () => {
    try {
      if (!runtime && starting) {
        // Still starting: stop Java now rather than wait for it to be ready, then let startRuntime unwind (it
        // stops what it started when a step fails) or, if it gets through, stop the runtime it returns.
        await stopDynamoDbLocals()
        const settled = await Promise.race([
          starting.then(
            (started) => started,
            () => undefined,
          ),
          new Promise<undefined>((done) => setTimeout(() => done(undefined), STARTUP_UNWIND_MS).unref()),
        ])
        runtime ??= settled
      }
      await runtime?.stop()
    } catch (error) {
      console.error(`stopping failed: ${error instanceof Error ? error.message : String(error)}`)
      if (code === 0) code = 1
    }
    // Nothing of ours may survive the exit, whatever the stop above did.
    killDynamoDbLocals()
    process.exit(code)
  })()
  return stopping
}

const onSignal = (signal: StopSignal) => {
  const code = 128 + constants.signals[signal]
  if (stopping) {
    console.error(`\n${signal} again: forcing the exit`)
    killDynamoDbLocals()
    process.exit(code)
  }
  console.log(`\n${signal}: stopping Aftercare…`)
  void stopAndExit(ready ? 0 : code)
}

const main = async () => {
  for (const signal of SIGNALS) process.on(signal, () => onSignal(signal))
  const { values } = parseArgs({
    options: { demo: { type: 'boolean', default: false }, 'in-memory': { type: 'boolean', default: false } },
  })
  const env = loadLocalStartConfig()
  const inMemory = values['in-memory']
  const started = Date.now()
  // The keys are made on first use, in memory or not, so that the CLIs (token, person) sign and encrypt as the
  // runtime does.
  const tokenSecret = localTokenSecret(`${DATA_DIRECTORY}/token-secret`)
  const cryptoKey = localKeyFromFile(`${DATA_DIRECTORY}/crypto-key`)
  const inboundSmsSecret = localTokenSecret(`${DATA_DIRECTORY}/inbound-sms-secret`)
  if (!inMemory) lockDataDirectory()

  starting = startRuntime({
    dataDirectory: inMemory ? undefined : DATA_DIRECTORY,
    dynamodbPort: env.DYNAMODB_LOCAL_PORT,
    fauxqsPort: env.FAUXQS_PORT,
    httpPort: env.PORT,
    tokenSecret,
    cryptoKey,
    inboundSmsSecret,
    background: true,
    logLevel: env.LOG_LEVEL,
    // Every AWS call each function makes, for the permission check (`npm run permissions`).
    recordCalls: fileSink(env.AFTERCARE_AWS_CALLS ?? `${DATA_DIRECTORY}/aws-calls`),
    printSms: (sms) => console.log(`📱 SMS to ${maskPhone(sms.phone)} at ${sms.sentAt}: ${sms.text}`),
  })
  runtime = await starting
  if (stopping) return stopping // a signal came during startup: stopAndExit stops the runtime
  console.log(
    `Aftercare is running on ${runtime.url} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  )
  console.log(`  data: ${inMemory ? 'in memory (lost at exit)' : `${DATA_DIRECTORY}/`}`)
  console.log(`  DynamoDB Local: ${runtime.config.DYNAMODB_ENDPOINT} (java pid ${runtime.dynamodbPid})`)
  console.log(`  fauxqs (SQS, SNS): http://127.0.0.1:${runtime.fauxqs.port}`)
  console.log(`  health: ${runtime.url}/health   SMS sent locally: ${runtime.url}/local/sms`)
  console.log(
    '  tokens: `npm run person -- …` makes a person and prints a token (the first administrator: README, ' +
      '"People, sign-in and tokens"); `npm run token -- --id <id>` makes another',
  )
  console.log(
    `  inbound SMS secret (header x-aftercare-inbound-secret): ${DATA_DIRECTORY}/inbound-sms-secret`,
  )
  const ports = `PORT=${env.PORT} DYNAMODB_LOCAL_PORT=${env.DYNAMODB_LOCAL_PORT} FAUXQS_PORT=${env.FAUXQS_PORT}`
  if (ports !== 'PORT=3000 DYNAMODB_LOCAL_PORT=8000 FAUXQS_PORT=4566') {
    console.log(`  other ports: give the CLIs the same variables, e.g. ${ports} npm run person -- …`)
  }
  if (values.demo) {
    const { matterId, firstVisitId, officer } = await seedDemo(runtime.deps)
    if (stopping) return stopping
    console.log(
      `\nDemo region ${DEMO_REGION} seeded; matter ${matterId} resolved (first visit: /visits/${firstVisitId}).`,
    )
    console.log(`The first return-visit reminder to ${officer.name} goes out in about a minute.\n`)
    const lifetime = runtime.config.TOKEN_MAX_LIFETIME_SECONDS / 60
    console.log(`Tokens (each good for ${lifetime} minutes; \`npm run token -- --id <id>\` makes a new one):`)
    for (const [role, person] of Object.entries(demoPeople)) {
      console.log(`  ${role} token (${person.id}):\n    ${await runtime.token(person.id)}`)
    }
  }
  ready = true
  console.log('\nCtrl-C stops everything.')
}

main().catch((error) => {
  if (stopping) return // a signal is stopping everything; the failure is its consequence
  if (error instanceof PortInUseError) {
    console.error(
      `${error.message}. Stop that program, or set ${PORT_VARIABLES[error.component]} to a free port ` +
        `(e.g. ${PORT_VARIABLES[error.component]}=${error.port + 1} npm start).`,
    )
  } else console.error(error instanceof Error ? error.message : error)
  void stopAndExit(1)
})
