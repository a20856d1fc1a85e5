// `npm run dlq -- list|redrive --queue timers`: shows a dead-letter queue without consuming it, or moves it back.
// `--queue stream` is the table stream's on-failure destination: it can be listed, never redriven.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs'
import * as z from 'zod'
import { dlqName } from '#shared/platform/messaging/queue-attributes.ts'
import { assertDlqOf, peekDlq, previewBody, redriveDlq } from '#shared/platform/messaging/redrive.ts'
import {
  type EventSourceDlqName,
  eventSourceDeadLetterQueues,
  type QueueName,
  queues,
} from '#shared/platform/resources.ts'

const USAGE = `usage:
  npm run dlq -- list    --queue <name> [--max 10]
  npm run dlq -- redrive --queue <name> [--max N] [--dry-run]
<name>: a queue (its DLQ is <name>-dlq), or stream for the table stream's DLQ (list only)
local mode (default): [--endpoint http://127.0.0.1:$FAUXQS_PORT] [--prefix aftercare]
AWS: --aws --dlq-url <url> [--source-url <url>, required by redrive]   (URLs from the stack outputs)`

/** A mistake in the command line: exit code 2 and the usage text. */
export class UsageError extends Error {}

const eventSourceNames = Object.keys(eventSourceDeadLetterQueues) as EventSourceDlqName[]
const queueNames = [...(Object.keys(queues) as QueueName[]), ...eventSourceNames] as [
  QueueName | EventSourceDlqName,
  ...(QueueName | EventSourceDlqName)[],
]

const isEventSourceDlq = (name: string): name is EventSourceDlqName =>
  (eventSourceNames as string[]).includes(name)

export type Target =
  | { mode: 'local'; endpoint: string; prefix: string }
  | { mode: 'aws'; dlqUrl: string; sourceUrl: string | undefined }

export interface Command {
  action: 'list' | 'redrive'
  queue: QueueName | EventSourceDlqName
  /** list: how many to show; redrive: at most how many to move, all when undefined. */
  max: number | undefined
  dryRun: boolean
  target: Target
}

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
const argsSchema = z.object({
  action: z.enum(['list', 'redrive'], { error: 'must be list or redrive' }),
  queue: z.enum(queueNames, {
    error: (issue) =>
      `${issue.input === undefined ? 'is required,' : 'must be'} one of ${queueNames.join(', ')}`,
  }),
  max: z.coerce
    .number({ error: 'must be a positive integer' })
    .int('must be a positive integer')
    .positive('must be a positive integer')
    .optional(),
  endpoint: url,
  prefix: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/, 'must be letters, digits, - or _'),
  'dlq-url': url.optional(),
  'source-url': url.optional(),
})

/** Parses `argv` (without node and the script); throws UsageError naming the flag at fault. */
export const parseCommand = (argv: string[], env: NodeJS.ProcessEnv = process.env): Command => {
  const parse = () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        queue: { type: 'string' },
        max: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        aws: { type: 'boolean', default: false },
        endpoint: { type: 'string' },
        prefix: { type: 'string' },
        'dlq-url': { type: 'string' },
        'source-url': { type: 'string' },
      },
    })
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse()
  } catch (error) {
    // parseArgs names the unknown or malformed option itself.
    throw new UsageError(`${(error as Error).message}\n${USAGE}`)
  }
  const { values, positionals } = parsed
  const problems: string[] = []
  if (positionals.length > 1) problems.push(`unexpected arguments: ${positionals.slice(1).join(' ')}`)
  if (values.aws) {
    // A deployed stack's queue names come from CDK, so the local naming scheme would point at nothing (or at
    // the wrong queue): the operator passes the URLs, and local-only flags are refused rather than ignored.
    for (const flag of ['endpoint', 'prefix'] as const) {
      if (values[flag] !== undefined) problems.push(`--${flag} is for local mode; it cannot go with --aws`)
    }
    if (values['dlq-url'] === undefined) problems.push('--dlq-url is required with --aws')
    if (positionals[0] === 'redrive' && values['source-url'] === undefined) {
      problems.push('--source-url is required with --aws for redrive')
    }
  } else {
    for (const flag of ['dlq-url', 'source-url'] as const) {
      if (values[flag] !== undefined) problems.push(`--${flag} needs --aws; locally the URLs follow --prefix`)
    }
  }
  if (values['dry-run'] && positionals[0] === 'list') problems.push('--dry-run applies to redrive only')

  const port = env.FAUXQS_PORT ?? '4566'
  const portOk = /^\d{1,5}$/.test(port)
  if (!values.aws && values.endpoint === undefined && !portOk) {
    problems.push(`FAUXQS_PORT must be a port number, not ${JSON.stringify(port)}`)
  }
  const args = argsSchema.safeParse({
    ...values,
    action: positionals[0],
    endpoint: values.endpoint ?? `http://127.0.0.1:${portOk ? port : '4566'}`,
    prefix: values.prefix ?? 'aftercare',
  })
  if (!args.success) {
    for (const issue of args.error.issues) {
      const key = String(issue.path[0])
      problems.push(key === 'action' ? `the command ${issue.message}` : `--${key} ${issue.message}`)
    }
  }
  if (args.success && args.data.action === 'redrive' && isEventSourceDlq(args.data.queue)) {
    problems.push(
      `the ${args.data.queue} DLQ cannot be redriven: its messages describe stream records, which cannot be put ` +
        'back into the stream; list them, fix the cause, then write the item again (or delete the message)',
    )
  }
  if (problems.length > 0 || !args.success) throw new UsageError(`${problems.join('; ')}\n${USAGE}`)

  const { action, queue, max, endpoint, prefix } = args.data
  return {
    action,
    queue,
    max: max ?? (action === 'list' ? 10 : undefined),
    dryRun: values['dry-run'] ?? false,
    target: values.aws
      ? { mode: 'aws', dlqUrl: args.data['dlq-url'] as string, sourceUrl: args.data['source-url'] }
      : { mode: 'local', endpoint, prefix },
  }
}

/** An SQS client for the target; local mode never reaches the default credential chain or a real endpoint. */
const clientFor = (target: Target) => {
  if (target.mode === 'local') {
    return new SQSClient({
      region: 'us-east-1',
      endpoint: target.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 2,
    })
  }
  // The queue URL names its region; use it when the environment names none, as an operator's shell often does not.
  const region = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(target.dlqUrl)?.[1]
  return new SQSClient(process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || !region ? {} : { region })
}

const queueUrls = async (sqs: SQSClient, command: Command) => {
  const { target, queue } = command
  if (target.mode === 'aws') return { dlqUrl: target.dlqUrl, sourceUrl: target.sourceUrl }
  const urlOf = async (name: string) => {
    try {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }))
      if (!QueueUrl) throw new Error(`no URL for ${name}`)
      return QueueUrl
    } catch (error) {
      const e = error as Error & { code?: string }
      if (e.name === 'QueueDoesNotExist' || e.name === 'AWS.SimpleQueueService.NonExistentQueue') {
        throw new Error(
          `queue ${name} does not exist at ${target.endpoint}; is \`npm start\` running with this --prefix?`,
        )
      }
      if (e.code === 'ECONNREFUSED' || /ECONNREFUSED|fetch failed/.test(String(e.message))) {
        throw new Error(`nothing listens at ${target.endpoint}; start \`npm start\` or pass --endpoint`)
      }
      throw error
    }
  }
  const dlqUrl = await urlOf(`${target.prefix}-${dlqName(queue)}`)
  const sourceUrl = command.action === 'redrive' ? await urlOf(`${target.prefix}-${queue}`) : undefined
  return { dlqUrl, sourceUrl }
}

/** The lines of a stream DLQ message (Lambda's on-failure record): where the records were, and locally what. */
const describeStreamFailure = (body: string): string[] | undefined => {
  let parsed: {
    requestContext?: { approximateInvokeCount?: number; condition?: string }
    DDBStreamBatchInfo?: Record<string, unknown>
    localModeRecords?: { eventID?: string; dynamodb?: { NewImage?: unknown } }[]
  }
  try {
    parsed = JSON.parse(body)
  } catch {
    return undefined
  }
  const info = parsed.DDBStreamBatchInfo
  if (!info) return undefined
  const lines = [
    `${parsed.requestContext?.condition ?? '?'} after ${parsed.requestContext?.approximateInvokeCount ?? '?'} invocation(s): ` +
      `${info.batchSize} record(s) ${info.startSequenceNumber}..${info.endSequenceNumber} of ${info.shardId}, ` +
      `first arrived ${info.approximateArrivalOfFirstRecord}`,
  ]
  for (const record of parsed.localModeRecords ?? []) {
    lines.push(
      `record ${record.eventID ?? '?'}: ${previewBody(JSON.stringify(record.dynamodb?.NewImage ?? null))}`,
    )
  }
  return lines
}

/** Runs a parsed command and prints its result; answers the exit code. */
export const run = async (command: Command, sqs: SQSClient = clientFor(command.target)): Promise<number> => {
  if (command.action === 'redrive' && isEventSourceDlq(command.queue)) {
    throw new UsageError(
      `the ${command.queue} DLQ cannot be redriven: a stream record cannot go back into its stream`,
    )
  }
  const { dlqUrl, sourceUrl } = await queueUrls(sqs, command)
  if (command.action === 'list') {
    const { messages, stillHidden } = await peekDlq(sqs, dlqUrl, command.max ?? 10)
    const shown =
      messages.length === 0 ? 'empty' : `${messages.length} message(s) shown, at most ${command.max}`
    console.log(`DLQ of ${command.queue} (${dlqUrl}): ${shown}`)
    // Peeking is a receive: each listing adds one to every shown message's receive count.
    for (const m of messages) {
      const attributes = m.attributeNames.length > 0 ? `  attributes: ${m.attributeNames.join(', ')}` : ''
      console.log(`\n${m.messageId}  receives: ${m.receiveCount}  sent: ${m.sentAt ?? '?'}${attributes}`)
      for (const line of describeStreamFailure(m.body) ?? [previewBody(m.body)]) console.log(`  ${line}`)
    }
    if (stillHidden > 0) console.error(`note: ${stillHidden} message(s) stay hidden for up to 30 s`)
    return 0
  }

  if (!sourceUrl) throw new Error('no source queue URL')
  await assertDlqOf(sqs, { sourceUrl, dlqUrl })
  const report = await redriveDlq(sqs, { dlqUrl, sourceUrl, max: command.max, dryRun: command.dryRun })
  if (report.dryRun) {
    console.log(
      `dry run: ${report.wouldMove} message(s) would move from ${dlqUrl} to ${sourceUrl}; none moved`,
    )
    return 0
  }
  console.log(`redrive ${command.queue}: moved ${report.moved}, failed ${report.failures.length}`)
  console.log(`  from ${dlqUrl}\n  to   ${sourceUrl}`)
  for (const f of report.failures) {
    const where =
      f.stage === 'send' ? 'not sent, still in the DLQ' : 'sent but not deleted, will be sent again'
    console.log(`  ${f.messageId}: ${where} (${f.code}: ${f.message})`)
  }
  if (report.aborted) console.error(`stopped early: ${report.aborted}`)
  return report.failures.length > 0 || report.aborted ? 1 : 0
}

const main = async () => {
  let command: Command
  try {
    command = parseCommand(process.argv.slice(2))
  } catch (error) {
    console.error((error as Error).message)
    process.exit(2)
  }
  process.exitCode = await run(command)
}

// Run only as a script; the tests import parseCommand.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
