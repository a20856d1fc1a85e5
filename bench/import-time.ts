// Times the import of a bundle in fresh Node processes, and finds the Lambda runtime's Node to time it with too.
import { execFileSync, spawnSync } from 'node:child_process'
import { pathToFileURL } from 'node:url'

export interface NodeBinary {
  /** Absolute path of the executable. */
  path: string
  /** `node --version` of it, e.g. `v20.20.2`. */
  version: string
}

export interface ImportTimes {
  /** Milliseconds of each run, in run order. */
  runs: number[]
  min: number
  median: number
  p90: number
}

export const nodeVersion = (path: string): string =>
  execFileSync(path, ['--version'], { encoding: 'utf8' }).trim()

/**
 * The `node` package on npm carries the official binary of each major. Asking it for its own path once keeps
 * npx's start-up out of every run. An error when npx cannot provide it (offline without a cache).
 */
export const findNode = (major: string): NodeBinary | { error: string } => {
  const found = spawnSync('npx', ['-y', `node@${major}`, '-p', 'process.execPath'], {
    encoding: 'utf8',
    timeout: 180_000,
  })
  const path = found.stdout?.trim().split('\n').at(-1)
  if (found.status !== 0 || !path) {
    const reason = found.error?.message ?? (found.stderr.trim().split('\n').at(-1) || `exit ${found.status}`)
    return { error: reason }
  }
  return { path, version: nodeVersion(path) }
}

/**
 * Without AWS_LAMBDA_FUNCTION_NAME a handler builds its clients on the first call (shared/platform/lambda.ts), so the
 * figure is the module graph alone. NODE_OPTIONS goes too: a caller's flags would change what is measured.
 */
const importEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  for (const key of Object.keys(env)) {
    if (key.startsWith('AWS_LAMBDA_') || key === 'NODE_OPTIONS') delete env[key]
  }
  return env
}

/** Nearest-rank percentile: with 9 runs, p90 is the slowest. */
export const percentile = (sorted: readonly number[], p: number): number => {
  const value = sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]
  if (value === undefined) throw new Error('percentile of no runs')
  return value
}

export const summarise = (runs: number[]): ImportTimes => {
  const sorted = [...runs].sort((a, b) => a - b)
  return { runs, min: percentile(sorted, 0), median: percentile(sorted, 50), p90: percentile(sorted, 90) }
}

/** One fresh Node process that imports the bundle; its milliseconds from the start of the import to its end. */
export const importOnce = (node: NodeBinary, bundle: string, extraFlags: readonly string[] = []): number => {
  const url = pathToFileURL(bundle).href
  // A handler that is not a function would import fine and fail on Lambda, so the runner checks it too.
  const script = [
    'const t = performance.now()',
    `const m = await import(${JSON.stringify(url)})`,
    'const ms = performance.now() - t',
    "if (typeof m.handler !== 'function') throw new Error('no handler export')",
    'console.log(ms)',
  ].join('\n')
  const child = spawnSync(node.path, [...extraFlags, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: importEnv(),
    timeout: 60_000,
  })
  const ms = Number(child.stdout?.trim())
  if (child.status !== 0 || !Number.isFinite(ms)) {
    const detail = child.error?.message ?? (child.stderr.trim() || `exit ${child.status}`)
    throw new Error(`importing ${bundle} with Node ${node.version} failed:\n${detail}`)
  }
  return ms
}
