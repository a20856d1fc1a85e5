// `npm run token -- --id wang`: a local ID token (shaped as Cognito's) for a person of the directory of `npm start`.
// The person must have a staff record linked to their local sign-in (`npm run person`, the demo, or
// POST /admin/officers/{officerId}/sign-in); their role and region scope are the record's, not the token's.
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import * as z from 'zod'
import { configSchema } from '#shared/platform/config.ts'
import { idSchema } from '#shared/platform/id.ts'
import { localTokenSecret, signLocalIdToken } from '../tokens.ts'

const SECRET_FILE = '.aftercare/token-secret'
const USAGE = 'usage: npm run token -- --id wang [--expires 30m]'
/** The functions refuse longer-lived tokens (TOKEN_MAX_LIFETIME_SECONDS; `npm start` keeps the default). */
const MAX_SECONDS = configSchema.shape.TOKEN_MAX_LIFETIME_SECONDS.parse(undefined)
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const

const argsSchema = z.object({
  id: idSchema,
  expires: z
    .string()
    .regex(/^\d+[smhd]$/, 'must be like 30m or 1h')
    .transform(
      (text) => Number(text.slice(0, -1)) * UNIT_SECONDS[text.slice(-1) as keyof typeof UNIT_SECONDS],
    )
    .refine(
      (seconds) => seconds >= 1 && seconds <= MAX_SECONDS,
      `must be at most ${MAX_SECONDS / 3600} h: the API refuses tokens that live longer`,
    ),
})

const main = async () => {
  const { values } = parseArgs({
    options: { id: { type: 'string' }, sub: { type: 'string' }, expires: { type: 'string', default: '1h' } },
  })
  const parsed = argsSchema.safeParse({ ...values, id: values.id ?? values.sub })
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${i.path.join('.')} ${i.message}`).join('; ')
    throw new Error(`${problems}\n${USAGE}`)
  }
  if (!existsSync(SECRET_FILE)) {
    console.error(
      `note: ${SECRET_FILE} did not exist; it was made now. Tokens work with \`npm start\` (not --in-memory).`,
    )
  }
  const { id, expires } = parsed.data
  console.log(
    await signLocalIdToken(localTokenSecret(SECRET_FILE), { username: id, lifetimeSeconds: expires }),
  )
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(2)
})
