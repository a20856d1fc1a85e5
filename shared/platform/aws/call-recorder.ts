// Records every AWS call a function makes, as IAM sees it (action and resource), in local mode and in the tests:
// the permission check holds each record against that function's role in the synthesized stacks.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { threadId } from 'node:worker_threads'

/**
 * One call as IAM authorises it. The resource is named by the configuration variable that held it, since the
 * values differ between local mode and AWS while the variables are the same.
 */
export interface RecordedCall {
  /** The function that made it, by its name in shared/platform/resources.ts. */
  function: string
  /** The IAM action, e.g. `sqs:SendMessage` (a SendMessageBatch is authorised as SendMessage). */
  action: string
  resource:
    | { env: string; index?: string }
    /** SNS Publish to a phone number: no ARN. */
    | { phoneNumber: true }
    /** A value that no configuration variable holds: always refused by the check. */
    | { unknown: string }
}

export type CallSink = (call: RecordedCall) => void

type Input = Record<string, unknown>
type Need = { action: string; resource: string | undefined; index?: string; phoneNumber?: boolean }

const services: Record<string, string> = {
  DynamoDBClient: 'dynamodb',
  SQSClient: 'sqs',
  SNSClient: 'sns',
  KMSClient: 'kms',
  SecretsManagerClient: 'secretsmanager',
  CognitoIdentityProviderClient: 'cognito-idp',
}

/** Batch commands are authorised as their single action. */
const authorisedAs: Record<string, string> = {
  'sqs:SendMessageBatch': 'sqs:SendMessage',
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibilityBatch': 'sqs:ChangeMessageVisibility',
  'sns:PublishBatch': 'sns:Publish',
}

/** A transaction is authorised item by item, each with the action of its kind. */
const transactActions: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined)

/** The IAM needs of one SDK command: an action and the resource it names, as the input names it. */
export const iamNeeds = (service: string, command: string, input: Input): Need[] => {
  const operation = command.replace(/Command$/, '')
  const action = authorisedAs[`${service}:${operation}`] ?? `${service}:${operation}`
  switch (service) {
    case 'dynamodb': {
      if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
        const items = (input.TransactItems ?? []) as Record<string, Input>[]
        return items.flatMap((item) =>
          Object.entries(item).map(([kind, request]) => ({
            action: transactActions[kind] ?? `dynamodb:${kind}`,
            resource: str(request.TableName),
          })),
        )
      }
      if (operation === 'BatchWriteItem' || operation === 'BatchGetItem') {
        return Object.keys((input.RequestItems ?? {}) as Input).map((table) => ({ action, resource: table }))
      }
      return [{ action, resource: str(input.TableName), index: str(input.IndexName) }]
    }
    case 'sqs':
      return [{ action, resource: str(input.QueueUrl) }]
    case 'sns':
      if (input.PhoneNumber) return [{ action, resource: undefined, phoneNumber: true }]
      return [{ action, resource: str(input.TopicArn) ?? str(input.TargetArn) }]
    case 'kms':
      return [{ action, resource: str(input.KeyId) }]
    case 'secretsmanager':
      return [{ action, resource: str(input.SecretId) }]
    case 'cognito-idp':
      return [{ action, resource: str(input.UserPoolId) }]
    default:
      return [{ action, resource: undefined }]
  }
}

/** The configuration variables that name a resource, by value: `{ 'aftercare-main': 'TABLE_NAME', … }`. */
const variablesByValue = (config: Record<string, unknown>) =>
  new Map(
    Object.entries(config)
      .filter(([name, value]) => /_(NAME|URL|ARN|ID)$/.test(name) && typeof value === 'string')
      .map(([name, value]) => [value as string, name]),
  )

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: Input }) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: { input: Input }) => Promise<unknown>,
      options: { step: 'initialize'; name: string; override: boolean },
    ): void
  }
}

/** Adds the recording middleware to a client: each call is handed to `sink` before it is sent. */
export const recordCalls = (
  client: object,
  fn: string,
  config: Record<string, unknown>,
  sink: CallSink,
): void => {
  const variables = variablesByValue(config)
  ;(client as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      const service = services[context.clientName ?? ''] ?? (context.clientName ?? 'unknown').toLowerCase()
      for (const need of iamNeeds(service, context.commandName ?? 'Unknown', args.input)) {
        sink({ function: fn, action: need.action, resource: resourceOf(need, variables) })
      }
      return next(args)
    },
    { step: 'initialize', name: 'aftercareCallRecorder', override: true },
  )
}

const resourceOf = (need: Need, variables: Map<string, string>): RecordedCall['resource'] => {
  if (need.phoneNumber) return { phoneNumber: true }
  const env = need.resource === undefined ? undefined : variables.get(need.resource)
  if (!env) return { unknown: need.resource ?? '(no resource named in the request)' }
  return need.index ? { env, index: need.index } : { env }
}

/** Records the calls made through a mocked client (aws-sdk-client-mock replaces `send`, so no middleware runs). */
export const recordMockedCalls = (
  calls: readonly { args: readonly unknown[] }[],
  service: string,
  fn: string,
  config: Record<string, unknown>,
  sink: CallSink,
): void => {
  const variables = variablesByValue(config)
  for (const call of calls) {
    const command = call.args[0] as { constructor: { name: string }; input: Input }
    for (const need of iamNeeds(service, command.constructor.name, command.input)) {
      sink({ function: fn, action: need.action, resource: resourceOf(need, variables) })
    }
  }
}

/**
 * A sink that appends each distinct call once to a JSON-lines file of its own process and thread in `directory`
 * (test files run in parallel workers).
 */
export const fileSink = (directory: string): CallSink => {
  const seen = new Set<string>()
  const file = join(directory, `calls-${process.pid}-${threadId}.jsonl`)
  return (call) => {
    const line = JSON.stringify(call)
    if (seen.has(line)) return
    seen.add(line)
    if (seen.size === 1) mkdirSync(directory, { recursive: true })
    appendFileSync(file, `${line}\n`)
  }
}

/** Every call recorded in `directory`, once each. */
export const readRecordedCalls = (directory: string): RecordedCall[] => {
  if (!existsSync(directory)) return []
  const lines = readdirSync(directory)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) => readFileSync(join(directory, name), 'utf8').split('\n'))
    .filter((line) => line.trim() !== '')
  return [...new Set(lines)].map((line) => JSON.parse(line) as RecordedCall)
}
