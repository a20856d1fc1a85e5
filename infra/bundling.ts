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

export const bundleSourceMap = true

/** Mappings only: the map stays a quarter of the size, and Node parses it at every cold start. */
export const bundleSourcesContent = false

/**
 * ESM bundles have no `require`; some dependencies still call it (the SDK's optional CommonJS paths), so the
 * bundle defines one first.
 */
export const requireBanner =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
