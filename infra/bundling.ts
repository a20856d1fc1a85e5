// The esbuild choices of the Lambda bundles, shared by the CDK construct and the bundle benchmark.
import { Runtime } from 'aws-cdk-lib/aws-lambda'
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs'

/** The newest Node.js that Lambda offers in this aws-cdk-lib (cdk-nag AwsSolutions-L1 checks the same). */
export const nodeRuntime = Runtime.NODEJS_24_X

/** esbuild target of the runtime, `nodejs24.x` → `node24`. */
export const esbuildTarget = (runtime: Runtime): string => `node${/\d+/.exec(runtime.name)?.[0] ?? ''}`

export const bundleTarget = esbuildTarget(nodeRuntime)

export const bundleFormat = OutputFormat.ESM

/** The same format in esbuild's words: OutputFormat's values are esbuild's own names. */
export const esbuildFormat = `${bundleFormat}` as const

export const bundleMainFields = ['module', 'main']

export const bundleMinify = true

/**
 * Modules the Lambda bundles take from elsewhere, paths relative to the project root (esbuild's working directory).
 * Lambda gives a function its credentials in environment variables: the SDK's default chain (profiles, SSO, web
 * identity, container and instance metadata, with the STS and SSO clients they need) becomes the environment link
 * alone (shared/platform/aws/lambda-credentials.ts). The SDK's event stream support, which no operation of this
 * service uses, is left out (shared/platform/aws/no-event-streams.ts).
 */
export const bundleAliases: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './shared/platform/aws/lambda-credentials.ts',
  '@smithy/core/event-streams': './shared/platform/aws/no-event-streams.ts',
}

/** The same aliases as esbuild flags, for NodejsFunction's `esbuildArgs` (it has no alias option of its own). */
export const bundleAliasArgs = (): string[] =>
  Object.entries(bundleAliases).map(([module, path]) => `${module}=${path}`)

export const bundleSourceMap = true

/** Mappings only: the map stays a quarter of the size, and Node parses it at every cold start. */
export const bundleSourcesContent = false

/**
 * ESM bundles have no `require`; some dependencies still call it (the SDK's optional CommonJS paths), so the
 * bundle defines one first.
 */
export const requireBanner =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
