// Builds one function's bundle with the CDK stack's esbuild choices and sums what each package puts in it.
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { type BuildOptions, build, type Metafile } from 'esbuild'
import {
  bundleAliases,
  bundleMainFields,
  bundleMinify,
  bundleSourceMap,
  bundleSourcesContent,
  bundleTarget,
  esbuildFormat,
  requireBanner,
} from '#infra/bundling.ts'

export interface BundleResult {
  /** Absolute path of the `.mjs` bundle. */
  outfile: string
  /** Size of the JavaScript file alone; the source map sits beside it. */
  bytes: number
  mapBytes: number
  /** Bytes each input group contributes to the output, largest first. */
  groups: Array<{ group: string; bytes: number }>
  /** Bytes each input file contributes to the output, by path relative to the project root. */
  inputs: Array<{ path: string; bytes: number }>
}

/**
 * Packages of one scope ship together and are pinned together, so they count as one input: all of `@aws-sdk/*`
 * is one line, not forty.
 */
export const inputGroup = (path: string): string => {
  const at = path.lastIndexOf('node_modules/')
  if (at < 0) return 'project code'
  const [first = '', second = ''] = path.slice(at + 'node_modules/'.length).split('/')
  return first.startsWith('@') ? `${first}/*` : second ? first : path
}

const outputInputs = (metafile: Metafile, outfile: string): BundleResult['inputs'] => {
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith('.mjs'))
  if (!output) throw new Error(`esbuild's metafile names no .mjs output for ${outfile}`)
  return Object.entries(output[1].inputs).map(([path, input]) => ({ path, bytes: input.bytesInOutput }))
}

export const groupInputs = (inputs: BundleResult['inputs']): BundleResult['groups'] => {
  const totals = new Map<string, number>()
  for (const { path, bytes } of inputs) {
    const group = inputGroup(path)
    totals.set(group, (totals.get(group) ?? 0) + bytes)
  }
  return [...totals].map(([group, bytes]) => ({ group, bytes })).sort((a, b) => b.bytes - a.bytes)
}

/**
 * The same options NodejsFunction turns into esbuild flags (see infra/constructs/service-function.ts); esbuild finds
 * tsconfig.json and package.json `imports` from the working directory, as in `cdk synth`. With a metafile, so that
 * what each input puts in the bundle can be counted (and checked: tests/infra/bundles.test.ts).
 */
export const bundleOptions = (
  root: string,
  entry: string,
  outfile: string,
): BuildOptions & { metafile: true } => ({
  absWorkingDir: root,
  entryPoints: [join(root, entry)],
  bundle: true,
  platform: 'node',
  format: esbuildFormat,
  target: bundleTarget,
  minify: bundleMinify,
  sourcemap: bundleSourceMap,
  sourcesContent: bundleSourcesContent,
  mainFields: bundleMainFields,
  alias: { ...bundleAliases },
  banner: { js: requireBanner },
  outfile,
  metafile: true,
  logLevel: 'silent',
})

export const bundleFunction = async (root: string, name: string, entry: string): Promise<BundleResult> => {
  const outfile = join(root, 'bench', 'out', `${name}.mjs`)
  const result = await build(bundleOptions(root, entry, outfile))
  if (result.warnings.length > 0) {
    for (const warning of result.warnings) console.warn(`esbuild warning in ${name}: ${warning.text}`)
  }
  const inputs = outputInputs(result.metafile, outfile)
  return {
    outfile,
    bytes: statSync(outfile).size,
    mapBytes: statSync(`${outfile}.map`).size,
    groups: groupInputs(inputs),
    inputs,
  }
}
