// `npm run token -- --role officer --region 330106 --sub wang`: a local bearer token for `npm start`'s API.
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import * as z from 'zod'
import { isRegionCode } from '#shared/domain/access/region-scope.ts'
import { roleSchema } from '#shared/domain/access/roles.ts'
import { localTokenSecret, signLocalToken } from '../tokens.ts'

const SECRET_FILE = '.aftercare/token-secret'

const argsSchema = z.object({
  role: roleSchema,
  region: z.string().refine(isRegionCode, 'must be a 6, 9 or 12 digit division code'),
  sub: z.string().min(1, 'must not be empty'),
  expires: z.string().regex(/^\d+[smhd]$/, 'must be like 30m, 12h or 7d'),
})

const main = async () => {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      region: { type: 'string' },
      sub: { type: 'string' },
      expires: { type: 'string', default: '12h' },
    },
  })
  const parsed = argsSchema.safeParse({ ...values, sub: values.sub ?? `local-${values.role ?? 'user'}` })
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${i.path.join('.')} ${i.message}`).join('; ')
    throw new Error(
      `${problems}\nusage: npm run token -- --role officer --region 330106 [--sub wang] [--expires 12h]`,
    )
  }
  if (!existsSync(SECRET_FILE)) {
    console.error(
      `note: ${SECRET_FILE} did not exist; it was made now. Tokens work with \`npm start\` (not --in-memory).`,
    )
  }
  const { role, region, sub, expires } = parsed.data
  console.log(await signLocalToken(localTokenSecret(SECRET_FILE), { sub, role, region }, expires))
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(2)
})
