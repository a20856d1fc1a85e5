// `npm start`: Aftercare on this machine. `--demo` seeds a demo region; `--in-memory` keeps nothing.
//
// Stopping: SIGINT, SIGTERM or SIGHUP stops everything it started (DynamoDB Local's Java process above all) and
// exits 0 when Aftercare was up, 128 + the signal's number (130, 143, 129) when the signal came during startup.
// A second signal while stopping forces the exit at once, after killing Java. A failure anywhere (the demo seed
// included) stops what was started, then exits 1.

import { randomBytes } from 'node:crypto'
import { constants } from 'node:os'
import { parseArgs } from 'node:util'
import { fileSink } from '#shared/adapters/aws-calls/recorder.ts'
import { localKeyFromFile } from '#shared/adapters/crypto/local-crypto.ts'
import { loadLocalStartConfig } from '#shared/config.ts'
import { maskPhone } from '#shared/masking.ts'
import { demoPeople, seedDemo } from './demo.ts'
import { killDynamoDbLocals, stopDynamoDbLocals } from './dynamodb-local.ts'
import { type Runtime, startRuntime } from './runtime.ts'
import { localTokenSecret } from './tokens.ts'

const DATA_DIRECTORY = '.aftercare'
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
type StopSignal = (typeof SIGNALS)[number]
/** How long a signal during startup waits for the half-started runtime to unwind before exiting anyway. */
const STARTUP_UNWIND_MS = 10_000

let starting: Promise<Runtime> | undefined
let runtime: Runtime | undefined
let ready = false
let stopping: Promise<never> | undefined

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

  starting = startRuntime({
    dataDirectory: inMemory ? undefined : DATA_DIRECTORY,
    dynamodbPort: env.DYNAMODB_LOCAL_PORT,
    fauxqsPort: env.FAUXQS_PORT,
    httpPort: env.PORT,
    tokenSecret: inMemory
      ? randomBytes(32).toString('hex')
      : localTokenSecret(`${DATA_DIRECTORY}/token-secret`),
    cryptoKey: inMemory ? randomBytes(32).toString('hex') : localKeyFromFile(`${DATA_DIRECTORY}/crypto-key`),
    inboundSmsSecret: inMemory
      ? randomBytes(24).toString('hex')
      : localTokenSecret(`${DATA_DIRECTORY}/inbound-sms-secret`),
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
  console.log(`  health: ${runtime.url}/health   SMS sent locally: ${runtime.url}/local/sms`)
  if (values.demo) {
    const { caseId, firstVisitId, officer } = await seedDemo(runtime.deps)
    if (stopping) return stopping
    console.log(
      `\nDemo region 330106 seeded; matter ${caseId} resolved (first visit: /visits/${firstVisitId}).`,
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
  console.error(error instanceof Error ? error.message : error)
  void stopAndExit(1)
})
