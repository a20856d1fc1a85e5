// What a function's role must allow: its recorded calls, the key actions encryption adds to them, and what Lambda
// itself does with the role (polling event sources, sending to failure destinations, writing logs).
import type { Denial, Need, NotEvaluated, RecordedCall } from './evaluate.ts'
import { encryptionKeyOf, isTable, kmsActionsFor, type Target, targetOf } from './resource-arns.ts'
import type { ResourceRef, SimulatedDeployment } from './simulate.ts'

export interface Collected {
  needs: Need[]
  denied: Denial[]
  notes: NotEvaluated[]
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}

/** What Lambda does with the function's role to deliver to a destination, by the destination's service. */
const destinationActions: Record<string, string> = {
  sqs: 'sqs:SendMessage',
  sns: 'sns:Publish',
  lambda: 'lambda:InvokeFunction',
  events: 'events:PutEvents',
}

/** Collects the needs of one function, given its AWS::Lambda::Function. */
class NeedCollector implements Collected {
  readonly needs: Need[] = []
  readonly denied: Denial[] = []
  readonly notes: NotEvaluated[] = []
  private readonly name: string

  constructor(
    private readonly deployment: SimulatedDeployment,
    private readonly lambda: ResourceRef,
    name: string,
  ) {
    this.name = name
  }

  need(action: string, resourceArn: string, why: string, alsoMatches?: string[]) {
    this.needs.push({
      function: this.name,
      action,
      resourceArn,
      why,
      ...(alsoMatches ? { alsoMatches } : {}),
    })
  }

  deny(action: string, why: string, problem: string, resource?: string) {
    const on = resource === undefined ? '' : ` on ${resource}`
    const reason = `${this.name} may not ${action}${on} (${why}): ${problem}`
    this.denied.push({
      function: this.name,
      action,
      ...(resource === undefined ? {} : { resource }),
      why,
      reason,
    })
  }

  note(subject: string, reason: string) {
    this.notes.push({ function: this.name, subject, reason })
  }

  /** The call's need on its resource, and the key actions the resource's encryption adds. */
  call(call: RecordedCall) {
    const { action, resource } = call
    if ('phoneNumber' in resource) return this.need(action, '*', 'SMS to a phone number')
    if ('unknown' in resource) {
      const problem = 'no configuration variable of the function names it, so no grant can be checked'
      return this.deny(action, 'named by no variable', problem, resource.unknown)
    }
    const variables = record(record(this.lambda.properties.Environment).Variables)
    const why = resource.index === undefined ? resource.env : `${resource.env}, index ${resource.index}`
    if (!(resource.env in variables)) {
      return this.deny(action, why, `function ${this.name} has no variable ${resource.env}`)
    }
    const where = `${this.deployment.nameOf(this.lambda)} Environment.Variables.${resource.env}`
    const target = targetOf(this.deployment, this.lambda.stack, variables[resource.env], where)
    if (target.arn === undefined) {
      return this.deny(action, why, `its value ${target.value} names no resource of the templates`)
    }
    if (resource.index !== undefined && !(target.origin && isTable(target.origin.resource))) {
      return this.deny(action, why, `an index was named, but ${resource.env} is not a table`, target.arn)
    }
    const arn = resource.index === undefined ? target.arn : `${target.arn}/index/${resource.index}`
    this.need(action, arn, why)
    this.encryption(target, action, why)
  }

  /** Key actions for a call on an encrypted queue, topic or table. */
  encryption(target: Target, action: string, why: string) {
    if (!target.origin) return
    const actions = kmsActionsFor(target.origin.resource, action)
    const key = actions.length === 0 ? undefined : encryptionKeyOf(this.deployment, target.origin.resource)
    if (!key || 'managed' in key) return
    if ('unknown' in key) return this.note(`key of ${why}`, `cannot tell which key ${key.unknown} is`)
    for (const kmsAction of actions) this.need(kmsAction, key.arn, `key of ${why}, for ${action}`)
  }

  /** Whether a FunctionName (name, ARN or qualified ARN) designates this function. */
  invokes(stack: string, raw: unknown, where: string): boolean {
    const origin = this.deployment.originOf(stack, raw, where)
    if (origin)
      return (
        origin.resource.stack === this.lambda.stack && origin.resource.logicalId === this.lambda.logicalId
      )
    const value = this.deployment.resolveString(stack, raw, where)
    const arn = this.deployment.attribute(this.lambda, 'Arn')
    return (
      value === this.deployment.attribute(this.lambda, 'Ref') || value === arn || value.startsWith(`${arn}:`)
    )
  }

  /** Where Lambda sends a record or an event that failed (or succeeded), with the function's role. */
  destination(stack: string, raw: unknown, why: string) {
    const target = targetOf(this.deployment, stack, raw, why)
    const action = destinationActions[target.arn?.split(':')[2] ?? '']
    if (!target.arn || !action)
      return this.note(why, `destination ${target.value}: its permissions are not modelled`)
    this.need(action, target.arn, why)
    this.encryption(target, action, why)
  }

  eventSource(mapping: ResourceRef) {
    const why = `event source ${mapping.logicalId}`
    const where = `${this.deployment.nameOf(mapping)} EventSourceArn`
    const source = targetOf(this.deployment, mapping.stack, mapping.properties.EventSourceArn, where)
    const arn = source.arn ?? source.value
    const service = arn.split(':')[2]
    if (service === 'sqs') {
      const actions = ['ReceiveMessage', 'DeleteMessage', 'ChangeMessageVisibility', 'GetQueueAttributes']
      for (const action of actions) this.need(`sqs:${action}`, arn, why)
      this.encryption(source, 'sqs:ReceiveMessage', why)
    } else if (service === 'dynamodb' && arn.includes('/stream/')) {
      for (const action of ['DescribeStream', 'GetRecords', 'GetShardIterator'])
        this.need(`dynamodb:${action}`, arn, why)
      this.need('dynamodb:ListStreams', '*', why)
      this.encryption(source, 'dynamodb:GetRecords', why)
    } else {
      this.note(why, `source ${arn}: its permissions are not modelled`)
    }
    const onFailure = record(record(mapping.properties.DestinationConfig).OnFailure).Destination
    if (onFailure !== undefined)
      this.destination(mapping.stack, onFailure, `on-failure destination of ${why}`)
  }

  /** Log streams in the function's log group; IAM accepts a grant on the group's ARN with or without `:*`. */
  logs() {
    const logging = record(this.lambda.properties.LoggingConfig)
    const where = `${this.deployment.nameOf(this.lambda)} LoggingConfig.LogGroup`
    const { partition, region, account } = this.deployment.env
    const byDefault = logging.LogGroup === undefined
    const name = byDefault
      ? `/aws/lambda/${this.deployment.attribute(this.lambda, 'Ref')}`
      : this.deployment.resolveString(this.lambda.stack, logging.LogGroup, where)
    const group = `arn:${partition}:logs:${region}:${account}:log-group:${name}`
    const also = [`${group}:*`, `${group}:log-stream:2026/01/01/[$LATEST]0123456789abcdef`]
    const why = byDefault ? 'default log group' : `log group ${name}`
    // Without a log group of its own, Lambda creates /aws/lambda/<name> on first use.
    if (byDefault) this.need('logs:CreateLogGroup', group, why, also)
    for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) this.need(action, group, why, also)
  }

  platform() {
    const p = this.lambda.properties
    const fnWhere = (r: ResourceRef) => `${this.deployment.nameOf(r)} FunctionName`
    for (const mapping of this.deployment.resources(undefined, 'AWS::Lambda::EventSourceMapping')) {
      if (this.invokes(mapping.stack, mapping.properties.FunctionName, fnWhere(mapping)))
        this.eventSource(mapping)
    }
    for (const config of this.deployment.resources(undefined, 'AWS::Lambda::EventInvokeConfig')) {
      if (!this.invokes(config.stack, config.properties.FunctionName, fnWhere(config))) continue
      const destinations = record(config.properties.DestinationConfig)
      for (const outcome of ['OnSuccess', 'OnFailure']) {
        const destination = record(destinations[outcome]).Destination
        if (destination !== undefined) {
          this.destination(config.stack, destination, `${outcome} destination of ${config.logicalId}`)
        }
      }
    }
    const deadLetter = record(p.DeadLetterConfig).TargetArn
    if (deadLetter !== undefined) this.destination(this.lambda.stack, deadLetter, 'dead-letter queue')
    this.logs()
    if (record(p.TracingConfig).Mode === 'Active') {
      for (const action of ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'])
        this.need(action, '*', 'tracing')
    }
    if (p.VpcConfig !== undefined) this.note('VpcConfig', 'network interface permissions are not modelled')
  }
}

/** The needs of a function's recorded calls and of what Lambda does on its behalf, with refusals and notes. */
export const collectNeeds = (
  deployment: SimulatedDeployment,
  lambda: ResourceRef,
  name: string,
  calls: readonly RecordedCall[],
): Collected => {
  const collector = new NeedCollector(deployment, lambda, name)
  collector.platform()
  for (const call of calls) collector.call(call)
  return collector
}

/** Denies each call of a function that cannot be checked at all (not found, no role), with the same reason. */
export const denyAll = (name: string, calls: readonly RecordedCall[], problem: string): Denial[] =>
  calls.map((call) => {
    const why =
      'env' in call.resource
        ? call.resource.env
        : 'phoneNumber' in call.resource
          ? 'SMS'
          : 'named by no variable'
    return {
      function: name,
      action: call.action,
      why,
      reason: `${name} may not ${call.action} (${why}): ${problem}`,
    }
  })
