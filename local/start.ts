// `npm start`: Aftercare on this machine. `--demo` seeds a demo region; `--in-memory` keeps nothing.

import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import * as z from 'zod'
import { localKeyFromFile } from '#shared/adapters/crypto/local-crypto.ts'
import { maskPhone } from '#shared/masking.ts'
import { demoIdentities, seedDemo } from './demo.ts'
import { type Runtime, startRuntime } from './runtime.ts'
import { localTokenSecret } from './tokens.ts'

const DATA_DIRECTORY = '.aftercare'

const port = z.coerce.number().int().min(0).max(65535)
const envSchema = z.object({
  PORT: port.default(3000),
  DYNAMODB_LOCAL_PORT: port.default(8000),
  FAUXQS_PORT: port.default(4566),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('WARN'),
})

const main = async () => {
  const { values } = parseArgs({
    options: { demo: { type: 'boolean', default: false }, 'in-memory': { type: 'boolean', default: false } },
  })
  const env = envSchema.safeParse(process.env)
  if (!env.success) {
    const problems = env.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')
    throw new Error(`Invalid environment: ${problems}`)
  }
  const inMemory = values['in-memory']
  const started = Date.now()
  let runtime: Runtime | undefined
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`\n${signal}: stopping Aftercare…`)
    await runtime?.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))

  runtime = await startRuntime({
    dataDirectory: inMemory ? undefined : DATA_DIRECTORY,
    dynamodbPort: env.data.DYNAMODB_LOCAL_PORT,
    fauxqsPort: env.data.FAUXQS_PORT,
    httpPort: env.data.PORT,
    tokenSecret: inMemory
      ? randomBytes(32).toString('hex')
      : localTokenSecret(`${DATA_DIRECTORY}/token-secret`),
    cryptoKey: inMemory ? randomBytes(32).toString('hex') : localKeyFromFile(`${DATA_DIRECTORY}/crypto-key`),
    inboundSmsSecret: inMemory
      ? randomBytes(24).toString('hex')
      : localTokenSecret(`${DATA_DIRECTORY}/inbound-sms-secret`),
    background: true,
    logLevel: env.data.LOG_LEVEL,
    printSms: (sms) => console.log(`📱 SMS to ${maskPhone(sms.phone)} at ${sms.sentAt}: ${sms.text}`),
  })
  console.log(
    `Aftercare is running on ${runtime.url} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  )
  console.log(`  data: ${inMemory ? 'in memory (lost at exit)' : `${DATA_DIRECTORY}/`}`)
  console.log(`  health: ${runtime.url}/health   SMS sent locally: ${runtime.url}/local/sms`)
  if (values.demo) {
    const { caseId, officer } = await seedDemo(runtime.deps)
    console.log(`\nDemo region 330106 seeded; matter ${caseId} resolved.`)
    console.log(`The first return-visit reminder to ${officer.name} goes out in about a minute.\n`)
    for (const [role, identity] of Object.entries(demoIdentities)) {
      console.log(`  ${role} token (${identity.region}):\n    ${await runtime.token(identity)}`)
    }
  }
  console.log('\nCtrl-C stops everything.')
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
