// Renders the bench results as Markdown and writes them into their section of docs/benchmarks.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { bundleAliases } from '#infra/bundling.ts'
import { type BundleResult, inputGroup } from './bundle.ts'
import type { ImportTimes, NodeBinary } from './import-time.ts'

export const sectionTitle = '## Bundle size and cold import'

const docsIntro =
  '# Benchmarks\n\nMeasurements of Aftercare on a developer machine, one section per benchmark, each with the command that reproduces it.\n'

export interface FunctionResult {
  name: string
  entry: string
  bundle: BundleResult
  /** One entry per Node binary, in the order of `RunInfo.nodes`. */
  times: ImportTimes[]
}

export interface RunInfo {
  date: string
  cores: string
  cpu: string
  platform: string
  esbuildVersion: string
  target: string
  nodes: NodeBinary[]
  /** Why there are no columns for the Lambda runtime's Node, when there are none. */
  lambdaNodeMissing?: string
  runs: number
  sourceMaps: boolean
  /** One-minute load average before and after the imports: other work on the machine skews the times. */
  loadAverage: [number, number]
}

const kib = (bytes: number): string => (bytes / 1024).toFixed(1)
const ms = (value: number): string => value.toFixed(1)
const percent = (part: number, whole: number): string => `${Math.round((100 * part) / whole)}%`
const code = (name: string): string => (name === 'project code' ? name : `\`${name}\``)

interface Column {
  title: string
  /** Numbers line up on the right. */
  right?: boolean
}

/** Padded as Biome formats Markdown, so that `biome check .` passes on the written file as it is. */
export const table = (columns: readonly Column[], rows: readonly (readonly string[])[]): string => {
  const widths = columns.map((column, index) =>
    Math.max(3, column.title.length, ...rows.map((cells) => cells[index]?.length ?? 0)),
  )
  const line = (cells: readonly string[]) =>
    `| ${columns
      .map((column, index) => {
        const cell = cells[index] ?? ''
        const width = widths[index] ?? 0
        return column.right ? cell.padStart(width) : cell.padEnd(width)
      })
      .join(' | ')} |`
  const rule = `| ${columns
    .map((column, index) => {
      const width = widths[index] ?? 3
      return column.right ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width)
    })
    .join(' | ')} |`
  return [line(columns.map((column) => column.title)), rule, ...rows.map((cells) => line(cells))].join('\n')
}

/** What a function's import time is measured against: the anchor's median, same Node, same run. */
const ratio = (times: ImportTimes | undefined, anchor: ImportTimes | undefined): number =>
  times && anchor ? times.median / anchor.median : Number.NaN

export const anchorName = 'anchor: one DynamoDB GetItem'

export const resultsTable = (
  results: readonly FunctionResult[],
  nodes: readonly NodeBinary[],
  anchor?: FunctionResult,
): string => {
  const columns: Column[] = [
    { title: 'function' },
    { title: 'bundle KiB', right: true },
    { title: 'bundle bytes', right: true },
    ...nodes.flatMap((node) => [
      { title: `median import ms (${node.version})`, right: true },
      ...(anchor ? [{ title: `× anchor (${node.version})`, right: true }] : []),
      { title: `p90 ms (${node.version})`, right: true },
      { title: `min ms (${node.version})`, right: true },
    ]),
  ]
  const rows = [...(anchor ? [anchor] : []), ...results].map((result) => [
    result === anchor ? anchorName : code(result.name),
    kib(result.bundle.bytes),
    String(result.bundle.bytes),
    ...result.times.flatMap((times, index) => [
      ms(times.median),
      ...(anchor ? [ratio(times, anchor.times[index]).toFixed(2)] : []),
      ms(times.p90),
      ms(times.min),
    ]),
  ])
  return table(columns, rows)
}

/** The targets of issue 10: import time against the anchor, and bundle size (KB of 1000 bytes). */
export const targets = { medianRatio: 1.5, slowestRatio: 1.8, medianBytes: 550_000, largestBytes: 700_000 }

const middle = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const half = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[half] ?? Number.NaN)
    : ((sorted[half - 1] ?? 0) + (sorted[half] ?? 0)) / 2
}

/** Each target with today's figure and whether it is met, computed so that prose cannot contradict the table. */
export const targetsSummary = (
  results: readonly FunctionResult[],
  nodes: readonly NodeBinary[],
  anchor: FunctionResult,
): string => {
  const met = (value: number, limit: number) => (value <= limit ? 'met' : 'NOT met')
  const sizes = results.map((result) => result.bundle.bytes)
  const medianBytes = middle(sizes)
  const largestBytes = Math.max(...sizes)
  const lines = [
    `- Bundle size: median ${(medianBytes / 1000).toFixed(0)} KB (target ≤ ${targets.medianBytes / 1000} KB: ${met(medianBytes, targets.medianBytes)}), largest ${(largestBytes / 1000).toFixed(0)} KB (target ≤ ${targets.largestBytes / 1000} KB: ${met(largestBytes, targets.largestBytes)}); the anchor is ${(anchor.bundle.bytes / 1000).toFixed(0)} KB.`,
  ]
  nodes.forEach((node, index) => {
    const ratios = results.map((result) => ratio(result.times[index], anchor.times[index]))
    const median = middle(ratios)
    const slowest = Math.max(...ratios)
    const which = results[ratios.indexOf(slowest)]?.name ?? ''
    lines.push(
      `- Import against the anchor (${ms(anchor.times[index]?.median ?? Number.NaN)} ms, Node ${node.version}): median ${median.toFixed(2)}× (target ≤ ${targets.medianRatio}×: ${met(median, targets.medianRatio)}), slowest ${slowest.toFixed(2)}× \`${which}\` (target ≤ ${targets.slowestRatio}×: ${met(slowest, targets.slowestRatio)}).`,
    )
  })
  return lines.join('\n')
}

/** The AWS SDK v3 is spread over several scopes; counted apart, none of them would look like what it is. */
const isSdk = (group: string): boolean => /^@(aws-sdk|smithy|aws-crypto|aws)\//.test(group)

export const inputsTable = (results: readonly FunctionResult[], top = 4): string => {
  const rows = results.map((result) => {
    const inputs = result.bundle.groups
      .slice(0, top)
      .map(
        (input) =>
          `${code(input.group)} ${kib(input.bytes)} KiB (${percent(input.bytes, result.bundle.bytes)})`,
      )
    return [code(result.name), inputs.join(', ')]
  })
  return table([{ title: 'function' }, { title: 'largest inputs (KiB in the bundle, share of it)' }], rows)
}

/** The folder of one input group that puts the most bytes in a bundle: where to look first to shrink it. */
const largestFolder = (bundle: BundleResult, group: string) => {
  const folders = new Map<string, number>()
  let of = 0
  for (const { path, bytes } of bundle.inputs) {
    if (inputGroup(path) !== group) continue
    of += bytes
    const folder = path.slice(0, path.lastIndexOf('/'))
    folders.set(folder, (folders.get(folder) ?? 0) + bytes)
  }
  const [folder, bytes] = [...folders].sort((a, b) => b[1] - a[1])[0] ?? []
  return folder === undefined || bytes === undefined ? undefined : { folder, bytes, of }
}

/** A summary computed from the figures, so that a rerun cannot leave prose behind that the table contradicts. */
export const findings = (results: readonly FunctionResult[], nodes: readonly NodeBinary[]): string => {
  const totals = new Map<string, number>()
  let all = 0
  for (const result of results) {
    all += result.bundle.bytes
    for (const input of result.bundle.groups) {
      const group = isSdk(input.group) ? 'sdk' : input.group
      totals.set(group, (totals.get(group) ?? 0) + input.bytes)
    }
  }
  const sdkScopes = [
    ...new Set(results.flatMap((result) => result.bundle.groups.map((input) => input.group))),
  ]
    .filter(isSdk)
    .map(code)
    .join(', ')
  const largestInputs = [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(
      ([group, bytes]) =>
        `${group === 'sdk' ? `the AWS SDK (${sdkScopes})` : code(group)} ${percent(bytes, all)}`,
    )
  const sentences = [
    `Over all ${results.length} bundles, the largest inputs are ${largestInputs.join(', ')} of the bytes.`,
  ]
  const bySize = [...results].sort((a, b) => b.bundle.bytes - a.bundle.bytes)
  const largest = bySize[0]
  const smallest = bySize.at(-1)
  const top = [...totals].sort((a, b) => b[1] - a[1])[0]?.[0]
  const within = largest && top && top !== 'sdk' ? largestFolder(largest.bundle, top) : undefined
  if (largest && top && within) {
    sentences.push(
      `In \`${largest.name}\`, ${kib(within.bytes)} KiB of ${code(top)}'s ${kib(within.of)} KiB come from \`${within.folder}\`.`,
    )
  }
  const first = nodes[0]
  if (largest && smallest && largest !== smallest && first) {
    const median = (result: FunctionResult) => ms(result.times[0]?.median ?? Number.NaN)
    sentences.push(
      `The largest bundle, \`${largest.name}\` at ${kib(largest.bundle.bytes)} KiB, imports in ${median(largest)} ms (median, Node ${first.version}); the smallest, \`${smallest.name}\` at ${kib(smallest.bundle.bytes)} KiB, in ${median(smallest)} ms.`,
    )
  }
  const second = nodes[1]
  if (first && second) {
    const sum = (index: number) =>
      results.reduce((total, result) => total + (result.times[index]?.median ?? 0), 0)
    const change = Math.round((100 * (sum(1) - sum(0))) / sum(0))
    sentences.push(
      `Node ${second.version} takes ${Math.abs(change)}% ${change >= 0 ? 'longer' : 'less time'} than ${first.version} over the sum of the medians.`,
    )
  }
  sentences.push(
    'All of this is module load and top-level evaluation: on Lambda, where AWS_LAMBDA_FUNCTION_NAME is set, the handlers also put their deps together during init (shared/platform/lambda.ts), which is not counted here; that makes no client and no AWS call (clients are made on first use, the blind-index key is fetched by the first invocation).',
  )
  return sentences.join(' ')
}

/** Load above the core count means other processes were queued beside the measured ones. */
export const busy = (info: Pick<RunInfo, 'cores' | 'loadAverage'>): boolean =>
  Math.max(...info.loadAverage) > Number(info.cores)

export const renderSection = (
  info: RunInfo,
  results: readonly FunctionResult[],
  anchor: FunctionResult,
): string => {
  const nodeNames = info.nodes
    .map((node, index) =>
      index === 0 ? node.version : `${node.version} (\`npx -y node@${node.version.slice(1).split('.')[0]}\`)`,
    )
    .join(' and ')
  const missing = info.lambdaNodeMissing
    ? ` The Lambda runtime's Node could not be run: ${info.lambdaNodeMissing}.`
    : ''
  return [
    sectionTitle,
    '',
    '```sh',
    'npm run bench',
    '```',
    '',
    `- Date: ${info.date}`,
    `- Machine: ${info.cores} cores (\`nproc\`), ${info.cpu}, ${info.platform}; Node ${nodeNames}; esbuild ${info.esbuildVersion}.${missing}`,
    `- Bundles: every function of \`shared/platform/resources.ts\`, built with the esbuild options of the CDK stack (\`infra/bundling.ts\`: ESM, minified, target \`${info.target}\`, main fields \`module,main\`, the \`createRequire\` banner, ${Object.keys(
      bundleAliases,
    )
      .map((module) => `\`${module}\``)
      .join(
        ' and ',
      )} taken from the project's own files, nothing external) into \`bench/out/<name>.mjs\`. The size is the \`.mjs\` file alone, without its source map.`,
    `- Import: \`await import()\` of the bundle in a fresh \`node --input-type=module -e\` process, ${info.runs} runs per function and Node version, without AWS_LAMBDA_FUNCTION_NAME${info.sourceMaps ? ', with `--enable-source-maps` as on Lambda' : ''}. p90 is the nearest rank${info.runs <= 10 ? `, so with ${info.runs} runs the slowest` : ''}. The runs go round-robin over functions and Node versions; the one-minute load average was ${info.loadAverage.map((load) => load.toFixed(2)).join(' before and ')} after${busy(info) ? `, more than the ${info.cores} cores: other work competed with the imports, so read the medians as upper bounds and the p90 as noise` : ''}.`,
    '',
    `- Anchor: \`bench/anchor/get-item.ts\`, a handler that makes one DynamoDB GetItem with its own client, bundled with the same options and imported in the same round-robin; \`× anchor\` is a function's median over the anchor's, per Node version, so that the figure survives a faster or a busier machine.`,
    '',
    targetsSummary(results, info.nodes, anchor),
    '',
    resultsTable(results, info.nodes, anchor),
    '',
    inputsTable(results),
    '',
    findings(results, info.nodes),
    '',
  ].join('\n')
}

/** Replaces one section only (by its title), so that the other sections of the file survive a rerun. */
export const writeSection = (path: string, section: string, title: string = sectionTitle): void => {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : docsIntro
  const start = current.indexOf(`${title}\n`)
  if (start < 0) {
    writeFileSync(path, `${current.trimEnd()}\n\n${section}`)
    return
  }
  const next = current.indexOf('\n## ', start + title.length)
  const rest = next < 0 ? '' : `\n${current.slice(next + 1)}`
  writeFileSync(path, `${current.slice(0, start)}${section}${rest}`)
}
