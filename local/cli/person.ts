// `npm run person -- --id admin-zj --name 张敏 --role admin --unit zj-bureau --region 330000 --phone 13800000000`:
// a person who signs in, written straight into the directory (their unit if it does not exist yet, their staff record,
// the link to their sign-in) by an operator at the console. It makes an installation's first administrator, who
// makes everyone else through the API. Locally it writes into `npm start`'s installation and prints a token; with
// --aws it uses the deployed functions' configuration from the environment (see the README, "People and sign-in").
import { userInfo } from 'node:os'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as z from 'zod'
import { roleSchema } from '#shared/access/rules/roles.ts'
import { putPerson } from '#shared/directory/actions/put-person.ts'
import { type PersonInput, regionCodeSchema } from '#shared/directory/rules/schemas.ts'
import { LOCAL_ISSUER, signLocalIdToken } from '#shared/directory/sign-in/local-tokens.ts'
import { type Config, loadConfig, loadLocalStartConfig } from '#shared/platform/config.ts'
import { localKeyFromFile } from '#shared/platform/crypto/local-crypto.ts'
import { type AppDeps, createDeps } from '#shared/platform/deps.ts'
import { idSchema } from '#shared/platform/id.ts'
import { localTokenSecret } from '../tokens.ts'

export const USAGE = `usage: npm run person -- --id <id> --name <name> --role officer|supervisor|committee|admin
         --unit <unitId> [--region <code> --unit-name <name>] --phone <mobile>
         [--email <address> | --subject <sub>] [--aws]
--region, --unit-name: make the unit when it does not exist yet (at that region code)
--email: create the sign-in (Cognito AdminCreateUser on AWS; locally the default is <id>@aftercare.invalid)
--subject: link an account the identity provider has already (another OIDC provider's sub)
--aws: write into the deployed stack, with its functions' environment variables exported (README)`

/** A mistake in the command line: exit code 2 and the usage text. */
export class UsageError extends Error {}

const argsSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1).max(50),
    role: roleSchema,
    unit: idSchema,
    region: regionCodeSchema.optional(),
    'unit-name': z.string().min(1).max(100).optional(),
    phone: z.string().min(1),
    email: z.email('must be an e-mail address').optional(),
    subject: z.string().min(1).optional(),
    aws: z.boolean(),
  })
  .refine((a) => !(a.email && a.subject), {
    path: ['subject'],
    message: 'give --email or --subject, not both',
  })

export interface PersonCommand {
  person: PersonInput
  aws: boolean
}

/** Parses `argv` (without node and the script); throws UsageError naming the flag at fault. */
export const parsePersonCommand = (argv: string[]): PersonCommand => {
  let values: Record<string, unknown>
  try {
    values = parseArgs({
      args: argv,
      options: {
        id: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        unit: { type: 'string' },
        region: { type: 'string' },
        'unit-name': { type: 'string' },
        phone: { type: 'string' },
        email: { type: 'string' },
        subject: { type: 'string' },
        aws: { type: 'boolean', default: false },
      },
    }).values
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const parsed = argsSchema.safeParse(values)
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues
        .map(
          (i) =>
            `--${i.path.join('.')} ${values[String(i.path[0])] === undefined ? 'is required' : i.message}`,
        )
        .join('; '),
    )
  }
  const a = parsed.data
  const signIn = a.subject
    ? { subject: a.subject }
    : a.email
      ? { email: a.email }
      : a.aws
        ? undefined
        : { email: `${a.id}@aftercare.invalid` }
  return {
    aws: a.aws,
    person: {
      personId: a.id,
      name: a.name,
      role: a.role,
      phone: a.phone,
      unitId: a.unit,
      unitRegionCode: a.region,
      unitName: a['unit-name'],
      ...(signIn ? { signIn } : {}),
    },
  }
}

/** Writes the person as `operator`; in local mode, returns a token for them too. */
export const runPersonCommand = async (deps: AppDeps, command: PersonCommand, operator: string) => {
  const { record, unit, signIn } = await putPerson(deps, `operator:${operator}`, command.person)
  const token =
    signIn && deps.config.AFTERCARE_MODE === 'local'
      ? await signLocalIdToken(deps.config.LOCAL_TOKEN_SECRET ?? '', {
          username: record.officerId,
          subject: signIn.subject,
          lifetimeSeconds: deps.config.TOKEN_MAX_LIFETIME_SECONDS,
        })
      : undefined
  return { record, unit, signIn, token }
}

/** The configuration of the installation `npm start` keeps in .aftercare/ (its table is `aftercare-table`). */
const localInstallation = (): Config => {
  const ports = loadLocalStartConfig()
  const fauxqs = `http://127.0.0.1:${ports.FAUXQS_PORT}`
  return loadConfig({
    AFTERCARE_MODE: 'local',
    AWS_REGION: 'us-east-1',
    TABLE_NAME: 'aftercare-table',
    // Not used: the person is written to the table alone.
    TIMERS_QUEUE_URL: `${fauxqs}/000000000000/aftercare-timers`,
    NOTIFICATIONS_QUEUE_URL: `${fauxqs}/000000000000/aftercare-notifications`,
    EVENTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:aftercare-events',
    OFFICERS_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:aftercare-officers',
    SMS_PROVIDER: 'local',
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${ports.DYNAMODB_LOCAL_PORT}`,
    SQS_ENDPOINT: fauxqs,
    SNS_ENDPOINT: fauxqs,
    LOCAL_TOKEN_SECRET: localTokenSecret('.aftercare/token-secret'),
    LOCAL_CRYPTO_KEY: localKeyFromFile('.aftercare/crypto-key'),
    INBOUND_SMS_SECRET: localTokenSecret('.aftercare/inbound-sms-secret'),
    TOKEN_ISSUER: LOCAL_ISSUER,
  })
}

const main = async () => {
  const command = parsePersonCommand(process.argv.slice(2))
  const config = command.aws ? loadConfig(process.env) : localInstallation()
  const deps = await createDeps(config)
  const { record, unit, signIn, token } = await runPersonCommand(deps, command, userInfo().username)
  console.log(
    `${record.officerId} (${record.name}): ${record.duty} of unit ${unit.unitId}, region ${record.regionCode}`,
  )
  console.log(
    signIn
      ? `sign-in linked: subject ${signIn.subject} of ${signIn.issuer}`
      : 'no sign-in linked: give --email or --subject',
  )
  if (token) console.log(`token:\n${token}`)
  deps.dynamodb.destroy()
}

// Run only as a script; the tests import parsePersonCommand and runPersonCommand.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    const usage = error instanceof UsageError
    console.error(error instanceof Error ? error.message : error)
    if (usage) console.error(USAGE)
    process.exit(usage ? 2 : 1)
  })
}
