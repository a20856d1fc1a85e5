// What each function's bundle holds, from esbuild's metafile, built with the CDK stack's options (infra/bundling.ts):
// the SDK client of a use only where the function declares that use (shared/platform/resources.ts), so that a cold
// start loads no client it cannot use; libphonenumber-js only where phone numbers are parsed; and of the SDK's
// credential sources and protocol features, only those a function on Lambda can use.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Metafile, stop } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleOptions } from '../../bench/bundle.ts'
import { bundleAliasArgs, bundleAliases } from '../../infra/bundling.ts'
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

const inputsOf = (metafile: Metafile): string[] => {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint)
  if (!output) throw new Error('no entry output in the metafile')
  return Object.keys(output.inputs)
}

/**
 * Lambda gives credentials in environment variables: the default chain's other sources (profiles, SSO, web identity,
 * container and instance metadata, and the STS and SSO clients they carry) have no place in a bundle.
 */
const otherCredentialSources = [
  '@aws-sdk/credential-provider-node',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/nested-clients',
  '@aws-sdk/token-providers',
  '@smithy/credential-provider-imds',
]

const packagesIn = (inputs: readonly string[]): Set<string> => {
  const packages = new Set<string>()
  for (const path of inputs) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)
    if (match?.[1]) packages.add(match[1])
  }
  return packages
}

const bundled = new Map<FunctionName, Set<string>>()
const bundledInputs = new Map<FunctionName, string[]>()

beforeAll(async () => {
  for (const name of names) {
    const outfile = join(root, 'bench', 'out', `${name}.mjs`)
    const result = await build({ ...bundleOptions(root, functions[name].entry, outfile), write: false })
    const inputs = inputsOf(result.metafile)
    bundledInputs.set(name, inputs)
    bundled.set(name, packagesIn(inputs))
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

    it(`${name} takes its credentials from the environment and from no other source`, () => {
      const packages = bundled.get(name) ?? new Set()
      expect(packages.has('@aws-sdk/credential-provider-env'), name).toBe(true)
      for (const pkg of otherCredentialSources) expect(packages.has(pkg), `${pkg} in ${name}`).toBe(false)
    })

    it(`${name} holds no event stream support`, () => {
      const inputs = bundledInputs.get(name) ?? []
      expect(inputs.filter((path) => path.includes('/event-streams/'))).toEqual([])
    })
  }
})

describe('the modules the bundles take from elsewhere', () => {
  it('are files of the project, and the stack hands the same ones to esbuild', () => {
    for (const path of Object.values(bundleAliases)) expect(existsSync(join(root, path)), path).toBe(true)
    expect(bundleAliasArgs()).toEqual(
      Object.entries(bundleAliases).map(([module, path]) => `${module}=${path}`),
    )
  })
})
