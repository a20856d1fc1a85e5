// `npm run bench`: bundle size and cold import time of every Lambda function, into docs/benchmarks.md.
import { execFileSync } from 'node:child_process'
import { arch, availableParallelism, cpus, loadavg, platform } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { version as esbuildVersion, stop } from 'esbuild'
import { bundleTarget } from '#infra/bundling.ts'
import { type FunctionName, functions } from '#shared/platform/resources.ts'
import { type BundleResult, bundleFunction } from './bundle.ts'
import { findNode, importOnce, type NodeBinary, nodeVersion, summarise } from './import-time.ts'
import {
  busy,
  type FunctionResult,
  inputsTable,
  type RunInfo,
  renderSection,
  resultsTable,
  targetsSummary,
  writeSection,
} from './report.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const docsPath = join(root, 'docs', 'benchmarks.md')
const defaultRuns = 9
/** A one-call DynamoDB handler, bundled and imported beside the functions: what their times are read against. */
const anchorEntry = 'bench/anchor/get-item.ts'
/** The Node major of the Lambda runtime, `node24` → `24`. */
const lambdaMajor = bundleTarget.replace(/^node/, '')

const usage = `Usage: npm run bench -- [options]
  --runs N          fresh Node processes per function and Node version (default ${defaultRuns})
  --only NAME       only this function; repeatable (the docs are then left alone)
  --source-maps     import with --enable-source-maps, as the functions run on Lambda
  --no-lambda-node  time with this Node only, not also with the Lambda runtime's (npx -y node@${lambdaMajor})
  --no-docs         print the tables, leave docs/benchmarks.md alone
  --help            this text`

class UsageError extends Error {}

interface Options {
  runs: number
  only: FunctionName[]
  sourceMaps: boolean
  lambdaNode: boolean
  docs: boolean
  help: boolean
}

const isFunctionName = (name: string): name is FunctionName => Object.hasOwn(functions, name)

const optionSpec = {
  runs: { type: 'string' },
  only: { type: 'string', multiple: true },
  'source-maps': { type: 'boolean' },
  'no-lambda-node': { type: 'boolean' },
  'no-docs': { type: 'boolean' },
  help: { type: 'boolean' },
} as const

const parseOptions = (args: string[]): Options => {
  const parsed = (() => {
    try {
      return parseArgs({ args, options: optionSpec, strict: true, allowPositionals: false })
    } catch (error) {
      // parseArgs names the flag in its message: "Unknown option '--runz'".
      throw new UsageError((error as Error).message)
    }
  })()
  const { values } = parsed
  const runs = values.runs === undefined ? defaultRuns : Number(values.runs)
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) {
    throw new UsageError(`--runs must be a whole number from 1 to 1000, got '${values.runs}'`)
  }
  const only = values.only ?? []
  for (const name of only) {
    if (!isFunctionName(name)) {
      throw new UsageError(
        `--only '${name}' is not a function of shared/platform/resources.ts; one of: ${Object.keys(functions).join(', ')}`,
      )
    }
  }
  return {
    runs,
    only: only.filter(isFunctionName),
    sourceMaps: values['source-maps'] ?? false,
    lambdaNode: !values['no-lambda-node'],
    docs: !values['no-docs'],
    help: values.help ?? false,
  }
}

/** The brief asks for `nproc`, which honours CPU affinity and cgroup quotas the way a benchmark feels them. */
const coreCount = (): string => {
  try {
    return execFileSync('nproc', { encoding: 'utf8' }).trim()
  } catch {
    return String(availableParallelism())
  }
}

const main = async (): Promise<void> => {
  const options = parseOptions(process.argv.slice(2))
  if (options.help) {
    console.log(usage)
    return
  }
  const selected = (Object.keys(functions) as FunctionName[]).filter(
    (name) => options.only.length === 0 || options.only.includes(name),
  )

  const bundles = []
  let anchorBundle: BundleResult | undefined
  try {
    for (const name of selected) {
      const { entry } = functions[name]
      try {
        bundles.push({ name, entry, bundle: await bundleFunction(root, name, entry) })
      } catch (error) {
        throw new Error(`building ${name} (${entry}) failed: ${(error as Error).message}`)
      }
      console.error(`built ${name}`)
    }
    anchorBundle = await bundleFunction(root, 'anchor', anchorEntry)
  } finally {
    // esbuild's service process would otherwise keep a core warm while the imports are timed.
    await stop()
  }

  const nodes: NodeBinary[] = [{ path: process.execPath, version: nodeVersion(process.execPath) }]
  let lambdaNodeMissing: string | undefined
  if (options.lambdaNode && !nodes[0]?.version.startsWith(`v${lambdaMajor}.`)) {
    const lambdaNode = findNode(lambdaMajor)
    if ('error' in lambdaNode) {
      lambdaNodeMissing = `\`npx -y node@${lambdaMajor}\` failed (${lambdaNode.error})`
      console.error(
        `warning: no Node ${lambdaMajor}, timing with ${nodes[0]?.version} only: ${lambdaNode.error}`,
      )
    } else {
      nodes.push(lambdaNode)
    }
  }

  const flags = options.sourceMaps ? ['--enable-source-maps'] : []
  // Round-robin over functions and Node versions: a burst of load from elsewhere on the machine then lands on
  // all of them alike instead of on whichever happened to be measured at the time.
  if (!anchorBundle) throw new Error('the anchor was not built')
  const anchorBuilt = { name: 'anchor', entry: anchorEntry, bundle: anchorBundle }
  const jobs = [anchorBuilt, ...bundles].flatMap((built) =>
    nodes.map((node) => ({ built, node, runs: [] as number[] })),
  )
  const loadBefore = loadavg()[0] ?? Number.NaN
  for (let run = 1; run <= options.runs; run++) {
    console.error(`import run ${run}/${options.runs}`)
    for (const job of jobs) {
      try {
        job.runs.push(importOnce(job.node, job.built.bundle.outfile, flags))
      } catch (error) {
        throw new Error(`${job.built.name}, run ${run}: ${(error as Error).message}`)
      }
    }
  }
  const loadAfter = loadavg()[0] ?? Number.NaN
  const timed = (built: (typeof jobs)[number]['built']) =>
    jobs.filter((job) => job.built === built).map((job) => summarise(job.runs))
  const results: FunctionResult[] = bundles.map((built) => ({ ...built, times: timed(built) }))
  const anchor: FunctionResult = { ...anchorBuilt, times: timed(anchorBuilt) }

  const info: RunInfo = {
    date: new Date().toISOString().slice(0, 10),
    cores: coreCount(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    platform: `${platform()} ${arch()}`,
    esbuildVersion,
    target: bundleTarget,
    nodes,
    lambdaNodeMissing,
    runs: options.runs,
    sourceMaps: options.sourceMaps,
    loadAverage: [loadBefore, loadAfter],
  }
  if (busy(info)) {
    console.error(
      `warning: load average ${info.loadAverage.map((load) => load.toFixed(2)).join(' → ')} on ${info.cores} cores; the times are inflated`,
    )
  }
  console.log(resultsTable(results, nodes, anchor))
  console.log()
  console.log(targetsSummary(results, nodes, anchor))
  console.log()
  console.log(inputsTable(results))

  if (!options.docs || options.only.length > 0) {
    console.error('docs/benchmarks.md left as it was (--no-docs or --only)')
    return
  }
  writeSection(docsPath, renderSection(info, results, anchor))
  console.error(`wrote ${docsPath}`)
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`bench: ${error.message}\n\n${usage}`)
    process.exitCode = 2
    return
  }
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
