// `npm run bench:timers`: how late reminders fire (due time → the timer consumer acts) and how many a minute can
// hold, on `npm start`'s own runtime (DynamoDB Local, fauxqs, background pollers and the minute sweeper, real time).
// Lateness is split into stages (sweep → send, SQS send → receive, consumer act) so that the bottleneck is named
// from figures; a timer not fired by the deadline is counted and fails the run.
import { readFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  BatchGetCommand,
  BatchGetRequest,
  BatchPutRequest,
  BatchWriteCommand,
  executeBatchGet,
  executeBatchWrite,
} from 'dynamodb-toolbox'
import pMap from 'p-map'
import type { Actor } from '#shared/access/rules/roles.ts'
import { putOfficer } from '#shared/directory/actions/put-officer.ts'
import { putPetitioner } from '#shared/directory/actions/put-petitioner.ts'
import { putUnit } from '#shared/directory/actions/put-unit.ts'
import { officerInput, petitionerInput, unitInput } from '#shared/directory/rules/schemas.ts'
import type { SmsPort } from '#shared/notifications/sms/port.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import type { TimerMessage } from '#shared/scheduling/rules/messages.ts'
import { timerItem } from '#shared/scheduling/timers.ts'
import { startRuntime } from '../local/runtime.ts'
import { table, writeSection } from './report.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const docsPath = join(root, 'docs', 'benchmarks.md')
const title = '## Timer lateness and throughput'

const usage = `Usage: npm run bench:timers -- [--count N] [--spread-minutes M] [--scenario spread|burst|both] [--no-docs]`

const parse = () => {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '10000' },
      'spread-minutes': { type: 'string', default: '10' },
      scenario: { type: 'string', default: 'both' },
      'no-docs': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(usage)
    process.exit(0)
  }
  const count = Number(values.count)
  const spread = Number(values['spread-minutes'])
  if (!Number.isInteger(count) || count < 1 || count > 100_000)
    throw new Error(`--count must be 1–100000\n${usage}`)
  if (!Number.isInteger(spread) || spread < 1 || spread > 60)
    throw new Error(`--spread-minutes must be 1–60\n${usage}`)
  if (!['spread', 'burst', 'both'].includes(values.scenario))
    throw new Error(`--scenario must be spread, burst or both\n${usage}`)
  return { count, spread, scenario: values.scenario, docs: !values['no-docs'] }
}

const seedRegion = async (deps: AppDeps) => {
  const admin: Actor = { id: 'bench', role: 'admin', regionCode: '330000' }
  await putUnit(
    deps,
    admin,
    unitInput.parse({ unitId: 'township', name: '西溪街道', regionCode: '330106009000', level: 'township' }),
  )
  await putOfficer(
    deps,
    admin,
    officerInput.parse({ officerId: 'wang', name: '王芳', phone: '13800138000', unitId: 'township' }),
  )
  await putPetitioner(
    deps,
    admin,
    petitionerInput.parse({ petitionerId: 'li', name: '李明', phone: '13900139000', unitId: 'township' }),
  )
}

const seedTimers = async (deps: AppDeps, dueAt: Date[]) => {
  const { store, config } = deps
  const requests = dueAt.flatMap((due, i) => {
    const visitId = `bench-${i}-v1`
    return [
      store.Visit.build(BatchPutRequest).item({
        visitId,
        matterId: `bench-${i}`,
        petitionerId: 'li',
        officerId: 'wang',
        unitId: 'township',
        regionCode: '330106009000',
        trigger: 'resolved',
        triggerEventId: `bench-${i}`,
        triggeredAt: new Date().toISOString(),
        offset: { unit: 'minutes', value: 1 },
        reminderRules: [{ unit: 'minutes', before: 0 }],
        reminderCount: 1,
        sequence: 1,
        dueDate: due.toISOString().slice(0, 10),
        dueAt: due.toISOString(),
        provisional: false,
        status: 'planned',
        plannedAt: new Date().toISOString(),
        version: 1,
      }),
      store.Timer.build(BatchPutRequest).item(
        timerItem(
          { timerId: `${visitId}-r1`, kind: 'visit-reminder', subjectId: visitId, dueAt: due },
          config.TIMER_SHARDS,
        ),
      ),
    ]
  })
  const chunks = Array.from({ length: Math.ceil(requests.length / 25) }, (_, i) =>
    requests.slice(i * 25, i * 25 + 25),
  )
  await pMap(chunks, (chunk) => executeBatchWrite(store.table.build(BatchWriteCommand).requests(...chunk)), {
    concurrency: 8,
  })
}

/**
 * Records, per timer, when its message was sent and with what delay (the sweeper's SendMessageBatch) and when the
 * timer consumer first read it (its first GetItem of the timer): the stage boundaries between due and fired.
 */
const instrument = (sweeper: AppDeps, consumer: AppDeps) => {
  const sentAt = new Map<string, { at: number; delay: number }>()
  const receivedAt = new Map<string, number>()
  const { queues } = sweeper
  const sendBatch = queues.sendBatch.bind(queues)
  queues.sendBatch = (queue, entries) => {
    const at = Date.now()
    for (const entry of entries) {
      const body = JSON.parse(entry.body) as Partial<TimerMessage>
      if (body.timerId && body.dueAt && !sentAt.has(body.timerId))
        sentAt.set(body.timerId, { at, delay: entry.delaySeconds ?? 0 })
    }
    return sendBatch(queue, entries)
  }
  const client = consumer.store.table.getDocumentClient() as unknown as {
    send: (command: unknown) => Promise<unknown>
  }
  const clientSend = client.send.bind(client)
  client.send = (command) => {
    const c = command as { constructor: { name: string }; input?: { Key?: { pk?: string } } }
    const pk = c.input?.Key?.pk
    if (c.constructor.name === 'GetCommand' && pk?.startsWith('TIMER#')) {
      const timerId = pk.slice(6)
      if (!receivedAt.has(timerId)) receivedAt.set(timerId, Date.now())
    }
    return clientSend(command)
  }
  return { sentAt, receivedAt }
}

/** DynamoDB capacity one function consumed: read and write units, summed from each response's ConsumedCapacity. */
interface Capacity {
  read: number
  write: number
  calls: number
}

type Consumed = {
  CapacityUnits?: number
  ReadCapacityUnits?: number
  WriteCapacityUnits?: number
  Table?: { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number }
}

const readOperations = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems'])

/**
 * Asks DynamoDB for the consumed capacity of every call of the function's client (`ReturnConsumedCapacity: TOTAL`,
 * which DynamoDB Local answers) and sums it: a middleware on the client's stack, so the document client's calls and
 * the idempotency layer's are counted alike. Units without a read/write split go by the operation's kind.
 */
const meterCapacity = (deps: AppDeps): Capacity => {
  const total: Capacity = { read: 0, write: 0, calls: 0 }
  type Next = (args: {
    input: Record<string, unknown>
  }) => Promise<{ output?: { ConsumedCapacity?: Consumed | Consumed[] } }>
  const stack = (
    deps.dynamodb as unknown as {
      middlewareStack: {
        add(
          middleware: (next: Next, context: { commandName?: string }) => Next,
          options: { step: 'initialize'; name: string; override: boolean },
        ): void
      }
    }
  ).middlewareStack
  stack.add(
    (next, context) => async (args) => {
      args.input.ReturnConsumedCapacity = 'TOTAL'
      const result = await next(args)
      const operation = (context.commandName ?? '').replace(/Command$/, '')
      const consumed = result.output?.ConsumedCapacity
      total.calls++
      for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        const read = c.ReadCapacityUnits ?? c.Table?.ReadCapacityUnits
        const write = c.WriteCapacityUnits ?? c.Table?.WriteCapacityUnits
        if (read !== undefined || write !== undefined) {
          total.read += read ?? 0
          total.write += write ?? 0
        } else if (readOperations.has(operation)) total.read += c.CapacityUnits ?? 0
        else total.write += c.CapacityUnits ?? 0
      }
      return result
    },
    { step: 'initialize', name: 'benchCapacityMeter', override: true },
  )
  return total
}

const firedTimes = async (deps: AppDeps, count: number) => {
  const { store } = deps
  const ids = Array.from({ length: count }, (_, i) => `bench-${i}-v1-r1`)
  const chunks = Array.from({ length: Math.ceil(ids.length / 100) }, (_, i) =>
    ids.slice(i * 100, i * 100 + 100),
  )
  const rows = await pMap(
    chunks,
    async (chunk) => {
      const { Responses } = await executeBatchGet(
        store.table
          .build(BatchGetCommand)
          .requests(...chunk.map((timerId) => store.Timer.build(BatchGetRequest).key({ timerId }))),
      )
      return (Responses?.[0] ?? []).filter((t): t is NonNullable<typeof t> => Boolean(t))
    },
    { concurrency: 4 },
  )
  return rows.flat().map((t) => ({
    timerId: t.timerId,
    status: t.status,
    dueAt: Date.parse(t.dueAt),
    firedAt: t.firedAt ? Date.parse(t.firedAt) : Number.NaN,
  }))
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN

/** CPU seconds a process has used so far, from /proc (Linux). */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / 100
}

const run = async (scenario: 'spread' | 'burst', count: number, spreadMinutes: number) => {
  let sent = 0
  const rt = await startRuntime({
    prefix: `bench${Date.now()}`,
    httpPort: 0,
    tokenSecret: 'b'.repeat(64),
    cryptoKey: 'c'.repeat(64),
    inboundSmsSecret: 'i'.repeat(40),
    background: true,
    pollersPerQueue: 4,
    smsMaxPerSecond: 0,
    logLevel: 'ERROR',
    // The provider as it is, lookup included: the dispatcher asks it about an uncertain send.
    wrapSms: (inner: SmsPort): SmsPort => ({
      send: async (m) => {
        const receipt = await inner.send(m)
        sent++
        return receipt
      },
      ...(inner.lookup ? { lookup: inner.lookup.bind(inner) } : {}),
    }),
  })
  try {
    await seedRegion(rt.deps)
    const stages = instrument(rt.functionDeps['timer-sweeper'], rt.functionDeps['timer-consumer'])
    const metered = ['timer-sweeper', 'timer-consumer', 'notification-dispatcher'] as const
    const capacity = Object.fromEntries(
      metered.map((fn) => [fn, meterCapacity(rt.functionDeps[fn])]),
    ) as Record<(typeof metered)[number], Capacity>
    // The first due time leaves the sweeper a full minute's lead, as it has for timers planned days ahead.
    const start = Math.ceil((Date.now() + 90_000) / 60_000) * 60_000
    // The burst is due at one instant: spread over its minute, it could not fire faster than it falls due.
    const window = scenario === 'spread' ? spreadMinutes * 60_000 : 0
    const dueAt = Array.from({ length: count }, (_, i) => new Date(start + Math.floor((i * window) / count)))
    await seedTimers(rt.deps, dueAt)
    console.log(
      scenario === 'spread'
        ? `spread: ${count} reminders due from ${new Date(start).toISOString()} over ${window / 60_000} min`
        : `burst: ${count} reminders all due at ${new Date(start).toISOString()}`,
    )
    // CPU is measured from the first due time: the idle lead before it would dilute the figures.
    await new Promise((r) => setTimeout(r, Math.max(0, start - Date.now())))
    const load = { atStart: loadavg()[0] ?? Number.NaN }
    const java = rt.dynamodbPid
    const before = { at: Date.now(), node: process.cpuUsage(), java: java ? cpuSeconds(java) : 0 }
    const deadline = start + window + 15 * 60_000
    while (sent < count && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2000))
      process.stdout.write(`\r  sent ${sent}/${count}   `)
    }
    process.stdout.write('\n')
    const wall = (Date.now() - before.at) / 1000
    const node = process.cpuUsage(before.node)
    const cpu = {
      node: (node.user + node.system) / 1e6 / wall,
      java: java ? (cpuSeconds(java) - before.java) / wall : Number.NaN,
    }
    const times = await firedTimes(rt.deps, count)
    const fired = times.filter((t) => t.status === 'fired' && Number.isFinite(t.firedAt))
    const sorted = (values: number[]) => values.filter(Number.isFinite).sort((a, b) => a - b)
    const lateness = sorted(fired.map((t) => (t.firedAt - t.dueAt) / 1000))
    // Stage boundaries: the message becomes visible at send + delay; the consumer first reads the timer; it fires.
    const visibleAt = (id: string) => {
      const s = stages.sentAt.get(id)
      return s ? s.at + s.delay * 1000 : Number.NaN
    }
    const received = (id: string) => stages.receivedAt.get(id) ?? Number.NaN
    const stage = (f: (t: (typeof fired)[number]) => number) => {
      const values = sorted(fired.map(f))
      return { p50: percentile(values, 50), p99: percentile(values, 99), max: values.at(-1) ?? Number.NaN }
    }
    const lastFired = Math.max(...fired.map((t) => t.firedAt))
    return {
      scenario,
      count,
      fired: fired.length,
      unfired: count - fired.length,
      sent,
      p50: percentile(lateness, 50),
      p99: percentile(lateness, 99),
      max: lateness.at(-1) ?? Number.NaN,
      early: lateness.filter((l) => l < 0).length,
      stages: {
        sweepToSend: stage((t) => (visibleAt(t.timerId) - t.dueAt) / 1000),
        sendToReceive: stage((t) => (received(t.timerId) - visibleAt(t.timerId)) / 1000),
        consumerAct: stage((t) => (t.firedAt - received(t.timerId)) / 1000),
      },
      capacity,
      /** The whole node process (pollers, the three functions, fauxqs): CPU ms per fired reminder. */
      cpuMsPerReminder: (node.user + node.system) / 1000 / Math.max(1, fired.length),
      drainSeconds: (lastFired - start) / 1000,
      perSecond: fired.length / Math.max(1, (lastFired - start) / 1000),
      cpu,
      load: { atStart: load.atStart, atEnd: loadavg()[0] ?? Number.NaN },
    }
  } finally {
    await rt.stop()
  }
}

const main = async () => {
  const options = parse()
  const scenarios =
    options.scenario === 'both' ? (['spread', 'burst'] as const) : [options.scenario as 'spread' | 'burst']
  const results: Awaited<ReturnType<typeof run>>[] = []
  for (const scenario of scenarios) results.push(await run(scenario, options.count, options.spread))
  const fmt = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a')
  const name = (r: (typeof results)[number]) =>
    r.scenario === 'spread' ? `${options.spread} min` : 'burst (one instant)'
  const summary = table(
    [
      { title: 'scenario' },
      { title: 'reminders', right: true },
      { title: 'fired', right: true },
      { title: 'unfired', right: true },
      { title: 'SMS sent', right: true },
      { title: 'lateness p50 s', right: true },
      { title: 'p99 s', right: true },
      { title: 'max s', right: true },
      { title: 'last fired after first due s', right: true },
      { title: 'fired per s', right: true },
      { title: 'CPU node (cores)', right: true },
      { title: 'CPU DynamoDB Local (cores)', right: true },
      { title: 'load avg (1 min) start → end', right: true },
    ],
    results.map((r) => [
      name(r),
      String(r.count),
      String(r.fired),
      String(r.unfired),
      String(r.sent),
      fmt(r.p50),
      fmt(r.p99),
      fmt(r.max),
      fmt(r.drainSeconds, 0),
      fmt(r.perSecond, 0),
      fmt(r.cpu.node),
      fmt(r.cpu.java),
      `${fmt(r.load.atStart)} → ${fmt(r.load.atEnd)}`,
    ]),
  )
  const stageTable = table(
    [
      { title: 'scenario' },
      { title: 'stage' },
      { title: 'p50 s', right: true },
      { title: 'p99 s', right: true },
      { title: 'max s', right: true },
    ],
    results.flatMap((r) =>
      (
        [
          ['sweep → send (message visible − due)', r.stages.sweepToSend],
          ['SQS send → receive (first read − visible)', r.stages.sendToReceive],
          ['consumer act (fired − first read)', r.stages.consumerAct],
        ] as const
      ).map(([stage, s]) => [name(r), stage, fmt(s.p50), fmt(s.p99), fmt(s.max)]),
    ),
  )
  const perReminder = (r: (typeof results)[number], fn: keyof (typeof results)[number]['capacity']) => {
    const c = r.capacity[fn]
    const n = Math.max(1, r.fired)
    return [fmt(c.read / n), fmt(c.write / n), fmt(c.calls / n)]
  }
  const costTable = table(
    [
      { title: 'scenario' },
      { title: 'consumer RCU', right: true },
      { title: 'consumer WCU', right: true },
      { title: 'consumer calls', right: true },
      { title: 'dispatcher RCU', right: true },
      { title: 'dispatcher WCU', right: true },
      { title: 'dispatcher calls', right: true },
      { title: 'sweeper RCU', right: true },
      { title: 'sweeper WCU', right: true },
      { title: 'node CPU ms', right: true },
      { title: 'drain (fired per s)', right: true },
    ],
    results.map((r) => [
      name(r),
      ...perReminder(r, 'timer-consumer'),
      ...perReminder(r, 'notification-dispatcher'),
      ...perReminder(r, 'timer-sweeper').slice(0, 2),
      fmt(r.cpuMsPerReminder, 1),
      fmt(r.perSecond, 0),
    ]),
  )
  console.log(`${summary}\n\n${stageTable}\n\n${costTable}`)
  const unfired = results.reduce((n, r) => n + r.unfired, 0)
  if (unfired > 0) {
    process.exitCode = 1
    console.error(`FAILED: ${unfired} timers not fired by the deadline`)
  }
  if (!options.docs) return
  const section = [
    title,
    '',
    '```sh',
    `npm run bench:timers -- --count ${options.count} --spread-minutes ${options.spread}`,
    '```',
    '',
    `- Date: ${new Date().toISOString().slice(0, 10)}; machine: ${availableParallelism()} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; load average after: ${loadavg()[0]?.toFixed(2)}.`,
    "- What runs: `npm start`'s runtime in memory (DynamoDB Local, fauxqs, the minute sweeper on its cron, 4 pollers per queue as concurrent Lambda invocations, real time, SMS rate limit off). Visits and their reminder timers are written straight to the table; each timer, when it fires, re-reads its visit, writes and queues the officer's notification, and the dispatcher sends it through the local SMS provider.",
    "- Lateness: the timer's `firedAt` (when the timer consumer acted) minus its due time, over fired timers; a timer not fired 15 minutes after the last due time is counted as unfired and fails the run. The burst scenario has every reminder due at one instant; CPU is measured from the first due time to the last SMS.",
    '- Stages: the message becomes visible at its send time + `DelaySeconds` (sweep → send; negative when it was sent ahead), the timer consumer first reads the timer (SQS send → receive: fauxqs delay, the pollers), then closes it as fired (consumer act: the visit, the officer, the notification written and queued).',
    `- Machine load: other engineers' test runs share these cores; the one-minute load average at the first due time and at the end is in the table (${availableParallelism()} cores: a load above that means the benchmark waited for CPU).`,
    '',
    summary,
    '',
    stageTable,
    '',
    '- Cost per fired reminder: DynamoDB capacity units each function consumed (`ReturnConsumedCapacity: TOTAL` on every call of its client, summed from the responses of DynamoDB Local; a transaction counts each item, at twice the unit), its calls, and the CPU of the whole node process (the three functions, the pollers and fauxqs) per fired reminder; drain is fired reminders per second from the first due time.',
    '',
    costTable,
    '',
  ].join('\n')
  writeSection(docsPath, section, title)
  console.log(`${docsPath}: section "${title.slice(3)}" written`)
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
