// What each function's bundle holds, from esbuild's metafile, built with the CDK stack's options (infra/bundling.ts):
// the SDK client of a use only where the function declares that use (shared/platform/resources.ts), so that a cold
// start loads no client it cannot use; and libphonenumber-js only where phone numbers are parsed.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Metafile, stop } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleOptions } from '../../bench/bundle.ts'
import { type FunctionName, type FunctionUses, functions } from '../../shared/platform/resources.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const names = Object.keys(functions) as FunctionName[]

/** The package each kind of use needs, and whether a function's declaration asks for it. */
const packagesOfUses: Array<{ package: string; use: string; declared: (uses: FunctionUses) => boolean }> = [
  { package: '@aws-sdk/client-dynamodb', use: 'table', declared: (uses) => Boolean(uses.table) },
  { package: '@aws-sdk/lib-dynamodb', use: 'table', declared: (uses) => Boolean(uses.table) },
  { package: 'dynamodb-toolbox', use: 'table', declared: (uses) => Boolean(uses.table) },
  { package: '@aws-sdk/client-sqs', use: 'sendsTo', declared: (uses) => uses.sendsTo.length > 0 },
  {
    package: '@aws-sdk/client-sns',
    use: 'publishesTo or sendsSms',
    declared: (uses) => uses.publishesTo.length > 0 || Boolean(uses.sendsSms),
  },
  { package: '@aws-sdk/client-kms', use: 'personalData', declared: (uses) => Boolean(uses.personalData) },
  {
    package: '@aws-sdk/client-secrets-manager',
    use: 'readsInboundSmsSecret',
    declared: (uses) => Boolean(uses.readsInboundSmsSecret),
  },
  {
    package: '@aws-sdk/client-cognito-identity-provider',
    use: 'createsSignIns',
    declared: (uses) => Boolean(uses.createsSignIns),
  },
]

/**
 * The functions that parse phone numbers typed by people (directory-api: officers' and petitioners' numbers;
 * notifications-api: opt-outs and the sender of an inbound SMS). Every other number is stored already in E.164.
 */
const parsesPhoneNumbers: readonly FunctionName[] = ['directory-api', 'notifications-api']

const packagesIn = (metafile: Metafile): Set<string> => {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint)
  if (!output) throw new Error('no entry output in the metafile')
  const packages = new Set<string>()
  for (const path of Object.keys(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)
    if (match?.[1]) packages.add(match[1])
  }
  return packages
}

const bundled = new Map<FunctionName, Set<string>>()

beforeAll(async () => {
  for (const name of names) {
    const outfile = join(root, 'bench', 'out', `${name}.mjs`)
    const result = await build({ ...bundleOptions(root, functions[name].entry, outfile), write: false })
    bundled.set(name, packagesIn(result.metafile))
  }
})
afterAll(() => stop())

describe("each function's bundle", () => {
  for (const name of names) {
    it(`${name} holds the client of each use it declares, and of no other`, () => {
      const packages = bundled.get(name) ?? new Set()
      const uses: FunctionUses = functions[name].uses
      for (const { package: pkg, use, declared } of packagesOfUses) {
        expect(
          packages.has(pkg),
          `${pkg} in ${name}, which ${declared(uses) ? 'declares' : 'does not declare'} ${use}`,
        ).toBe(declared(uses))
      }
    })

    it(`${name} holds libphonenumber-js only if it parses phone numbers`, () => {
      expect(bundled.get(name)?.has('libphonenumber-js')).toBe(parsesPhoneNumbers.includes(name))
    })
  }
})
