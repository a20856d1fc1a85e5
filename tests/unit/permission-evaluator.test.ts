// The offline permission check: recorded calls held against roles in hand-written and CDK-synthesized templates.
import { App, type CfnElement, Stack } from 'aws-cdk-lib'
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam'
import { Key } from 'aws-cdk-lib/aws-kms'
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda'
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources'
import { LogGroup } from 'aws-cdk-lib/aws-logs'
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs'
import { Construct } from 'constructs'
import { beforeAll, describe, expect, it } from 'vitest'
import { evaluatePermissions, formatReport, type RecordedCall } from '#infra/permissions/evaluate.ts'
import { type CfnResource, type CfnTemplate, SimulatedDeployment } from '#infra/permissions/simulate.ts'

const sqsArn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`
const tableArn = 'arn:aws:dynamodb:eu-west-1:123456789012:table/Table'
const imported = (name: string) => ({ 'Fn::ImportValue': `Data:${name}` })
const exported = (value: unknown, name: string) => ({
  Value: value,
  Export: { Name: { 'Fn::Sub': `\${AWS::StackName}:${name}` } },
})

const data: CfnTemplate = {
  Resources: {
    DataKey: { Type: 'AWS::KMS::Key', Properties: {} },
    PlainQueue: { Type: 'AWS::SQS::Queue', Properties: {} },
    JobsQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: { KmsMasterKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] } },
    },
    Table: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } },
    },
    Metrics: { Type: 'AWS::CloudWatch::MetricStream', Properties: {} },
  },
  Outputs: {
    PlainUrl: exported({ Ref: 'PlainQueue' }, 'PlainUrl'),
    JobsUrl: exported({ Ref: 'JobsQueue' }, 'JobsUrl'),
    JobsArn: exported({ 'Fn::GetAtt': ['JobsQueue', 'Arn'] }, 'JobsArn'),
    KeyArn: exported({ 'Fn::GetAtt': 'DataKey.Arn' }, 'KeyArn'),
    TableName: exported({ Ref: 'Table' }, 'TableName'),
    TableArn: exported({ 'Fn::GetAtt': ['Table', 'Arn'] }, 'TableArn'),
    TableStream: exported({ 'Fn::GetAtt': ['Table', 'StreamArn'] }, 'TableStream'),
  },
}
const keyArn = new SimulatedDeployment({ Data: data }).resolveString('Data', imported('KeyArn'), 'test')

const variables = {
  PLAIN_QUEUE_URL: imported('PlainUrl'),
  JOBS_QUEUE_URL: imported('JobsUrl'),
  TABLE_NAME: imported('TableName'),
  LOG_LEVEL: 'INFO',
}
const logs = {
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: { 'Fn::GetAtt': ['VisitsApiLogs', 'Arn'] },
}

/** A service stack with one function, visits-api, whose role holds `statements` (after the log grant). */
const service = (
  statements: unknown[],
  resources: Record<string, CfnResource> = {},
  logGrant: unknown[] = [logs],
): CfnTemplate => ({
  Resources: {
    VisitsApiLogs: { Type: 'AWS::Logs::LogGroup', Properties: {} },
    VisitsApiRole: { Type: 'AWS::IAM::Role', Properties: {} },
    VisitsApiPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'VisitsApiPolicy',
        Roles: [{ Ref: 'VisitsApiRole' }],
        PolicyDocument: { Version: '2012-10-17', Statement: [...logGrant, ...statements] },
      },
    },
    VisitsApiFunction: {
      Type: 'AWS::Lambda::Function',
      Metadata: { 'aws:cdk:path': 'Service/visits-api/Function/Resource' },
      Properties: {
        Role: { 'Fn::GetAtt': ['VisitsApiRole', 'Arn'] },
        Environment: { Variables: variables },
        LoggingConfig: { LogGroup: { Ref: 'VisitsApiLogs' } },
      },
    },
    ...resources,
  },
})

const call = (action: string, env: string, index?: string): RecordedCall => ({
  function: 'visits-api',
  action,
  resource: index ? { env, index } : { env },
})
const evaluate = (statements: unknown[], calls: RecordedCall[], resources?: Record<string, CfnResource>) =>
  evaluatePermissions({
    templates: { Data: data, Service: service(statements, resources) },
    serviceStack: 'Service',
    calls,
    functions: ['visits-api'],
  })
const deniedOf = (result: ReturnType<typeof evaluate>) =>
  result.denied.map((d) => `${d.action} ${d.resource}`)
const allow = (Action: unknown, Resource: unknown, extra: object = {}) => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...extra,
})

describe('evaluatePermissions on hand-written templates', () => {
  it('denies a send to a queue the role was not granted, naming function, action, ARN and variable', () => {
    const denied = evaluate([], [call('sqs:SendMessage', 'PLAIN_QUEUE_URL')]).denied
    expect(denied.map((d) => d.reason)).toEqual([
      `visits-api may not sqs:SendMessage on ${sqsArn('PlainQueue')} (PLAIN_QUEUE_URL): ` +
        'no statement of role VisitsApiRole allows it',
    ])
    expect(
      evaluate([allow('sqs:SendMessage', sqsArn('PlainQueue'))], [call('sqs:SendMessage', 'PLAIN_QUEUE_URL')])
        .denied,
    ).toEqual([])
  })

  it('denies a call on a missing variable or an unnamed resource, saying so', () => {
    const { denied } = evaluate(
      [allow('*', '*')],
      [
        call('sqs:SendMessage', 'NOTIFICATIONS_QUEUE_URL'),
        { function: 'visits-api', action: 'sqs:SendMessage', resource: { unknown: 'https://elsewhere/q' } },
      ],
    )
    expect(denied.map((d) => d.reason)).toEqual([
      expect.stringContaining('function visits-api has no variable NOTIFICATIONS_QUEUE_URL'),
      expect.stringMatching(
        /^visits-api may not sqs:SendMessage on https:\/\/elsewhere\/q .*no configuration variable/,
      ),
    ])
  })

  it('matches wildcards: actions case-insensitively, resources such as index/*', () => {
    const statements = [
      allow('SQS:Send*', sqsArn('Plain*')),
      allow('dynamodb:Query', { 'Fn::Join': ['', [imported('TableArn'), '/index/*']] }),
    ]
    const result = evaluate(statements, [
      call('sqs:SendMessage', 'PLAIN_QUEUE_URL'),
      call('sqs:ReceiveMessage', 'PLAIN_QUEUE_URL'),
      call('dynamodb:Query', 'TABLE_NAME', 'gsi1'),
      call('dynamodb:Query', 'TABLE_NAME'),
    ])
    expect(deniedOf(result)).toEqual([
      `sqs:ReceiveMessage ${sqsArn('PlainQueue')}`,
      `dynamodb:Query ${tableArn}`,
    ])
  })

  it('lets a matching Deny win over an Allow, and reports a conditional statement instead of counting it', () => {
    const deny = { Effect: 'Deny', Action: 'sqs:SendMessage', Resource: sqsArn('PlainQueue'), Sid: 'NoPlain' }
    const conditional = allow('dynamodb:Query', '*', {
      Condition: { Bool: { 'aws:SecureTransport': 'true' } },
    })
    const result = evaluate(
      [allow('sqs:*', '*'), deny, conditional],
      [call('sqs:SendMessage', 'PLAIN_QUEUE_URL'), call('dynamodb:Query', 'TABLE_NAME')],
    )
    expect(result.denied.map((d) => d.reason)).toEqual([
      expect.stringContaining(
        '(PLAIN_QUEUE_URL): VisitsApiPolicy statement NoPlain of role VisitsApiRole denies it',
      ),
      expect.stringContaining(`dynamodb:Query on ${tableArn} (TABLE_NAME): no statement`),
    ])
    expect(result.notEvaluated).toEqual([
      {
        function: 'visits-api',
        subject: 'VisitsApiPolicy statement 3',
        reason: 'has a Condition: not counted as granting',
      },
    ])
  })

  it('supports NotAction, and matches a phone-number publish only with Resource "*"', () => {
    const sms = { function: 'visits-api', action: 'sns:Publish', resource: { phoneNumber: true } } as const
    const notDelete = { Effect: 'Allow', NotAction: 'sqs:Delete*', Resource: sqsArn('PlainQueue') }
    const result = evaluate(
      [notDelete, allow('sns:Publish', 'arn:aws:sns:*')],
      [sms, call('sqs:SendMessage', 'PLAIN_QUEUE_URL'), call('sqs:DeleteMessage', 'PLAIN_QUEUE_URL')],
    )
    expect(deniedOf(result)).toEqual(['sns:Publish *', `sqs:DeleteMessage ${sqsArn('PlainQueue')}`])
    expect(evaluate([allow('sns:Publish', '*')], [sms]).denied).toEqual([])
  })

  it('adds the key actions of an encrypted queue: a send without kms:GenerateDataKey is denied', () => {
    const send = allow('sqs:SendMessage', imported('JobsArn'))
    const denied = evaluate(
      [send, allow('kms:Decrypt', imported('KeyArn'))],
      [call('sqs:SendMessage', 'JOBS_QUEUE_URL')],
    ).denied
    expect(denied.map((d) => d.reason)).toEqual([
      `visits-api may not kms:GenerateDataKey on ${keyArn} (key of JOBS_QUEUE_URL, for sqs:SendMessage): ` +
        'no statement of role VisitsApiRole allows it',
    ])
    const withKey = allow(['kms:Decrypt', 'kms:GenerateDataKey*'], imported('KeyArn'))
    expect(evaluate([send, withKey], [call('sqs:SendMessage', 'JOBS_QUEUE_URL')]).denied).toEqual([])
  })

  it('holds the role to what Lambda does for an event source mapping and its on-failure queue', () => {
    const mappings: Record<string, CfnResource> = {
      FromJobs: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          FunctionName: { Ref: 'VisitsApiFunction' },
          EventSourceArn: imported('JobsArn'),
          DestinationConfig: {
            OnFailure: { Destination: { 'Fn::Sub': [`\${Arn}`, { Arn: imported('JobsArn') }] } },
          },
        },
      },
      FromStream: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: { FunctionName: 'VisitsApiFunction', EventSourceArn: imported('TableStream') },
      },
    }
    const stream = `${tableArn}/stream/2026-01-01T00:00:00.000`
    const statements = [
      allow('sqs:ReceiveMessage', imported('JobsArn')),
      allow(
        [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        stream,
      ),
    ]
    expect(deniedOf(evaluate(statements, [], mappings))).toEqual([
      `sqs:DeleteMessage ${sqsArn('JobsQueue')}`,
      `sqs:ChangeMessageVisibility ${sqsArn('JobsQueue')}`,
      `sqs:GetQueueAttributes ${sqsArn('JobsQueue')}`,
      `kms:Decrypt ${keyArn}`,
      `sqs:SendMessage ${sqsArn('JobsQueue')}`,
      `kms:GenerateDataKey ${keyArn}`,
      'dynamodb:ListStreams *', // granted on the stream only: ListStreams has no resource type
    ])
  })

  it('accepts a log grant on the group ARN with or without ":*", not on another group', () => {
    const result = (resource: unknown) =>
      evaluatePermissions({
        templates: { Data: data, Service: service([], {}, [allow('logs:*', resource)]) },
        serviceStack: 'Service',
        calls: [],
        functions: ['visits-api'],
      }).denied.length
    const group = 'arn:aws:logs:eu-west-1:123456789012:log-group:VisitsApiLogs'
    expect([result(group), result(`${group}:*`), result(`${group}Other:*`)]).toEqual([0, 0, 2])
  })

  it('lists the grants no need used, and not a wildcard that one did use', () => {
    const result = evaluate(
      [
        allow(['sqs:SendMessage', 'sqs:GetQueueUrl'], sqsArn('PlainQueue')),
        allow('dynamodb:*', [tableArn, `${tableArn}/index/*`]),
      ],
      [call('sqs:SendMessage', 'PLAIN_QUEUE_URL'), call('dynamodb:Query', 'TABLE_NAME', 'byOfficer')],
    )
    expect(result.denied).toEqual([])
    expect(result.unused.map((g) => `${g.action} ${g.resource}`)).toEqual([
      `sqs:GetQueueUrl ${sqsArn('PlainQueue')}`,
      `dynamodb:* ${tableArn}`,
    ])
    const report = formatReport(result)
    expect(report).toMatch(/^\d+ needs checked: 0 denied, 2 grants unused, 0 not evaluated/)
    expect(report).toContain(
      `visits-api: sqs:GetQueueUrl on ${sqsArn('PlainQueue')} (VisitsApiPolicy statement 1)`,
    )
  })

  it('denies every call of a function it cannot find, naming the path it looked for', () => {
    const result = evaluatePermissions({
      templates: { Data: data, Service: service([]) },
      serviceStack: 'Service',
      calls: [{ ...call('sqs:SendMessage', 'PLAIN_QUEUE_URL'), function: 'matters-api' }],
    })
    expect(result.denied.map((d) => d.reason)).toEqual([
      'matters-api may not sqs:SendMessage (PLAIN_QUEUE_URL): no AWS::Lambda::Function has the path Service/matters-api/Function/Resource',
    ])
  })
})

describe('SimulatedDeployment', () => {
  const deployment = new SimulatedDeployment({ Data: data, Service: service([]) }, { region: 'eu-central-1' })
  const resolve = (value: unknown) => deployment.resolve('Service', value, 'Service/Test')

  it('resolves Fn::ImportValue across stacks, Fn::Join, Fn::Sub, Fn::Select and Fn::Split', () => {
    expect(resolve(imported('PlainUrl'))).toBe(
      'https://sqs.eu-central-1.amazonaws.com/123456789012/PlainQueue',
    )
    expect(resolve({ 'Fn::Join': ['/', [{ Ref: 'AWS::Region' }, imported('TableName'), 'x']] })).toBe(
      'eu-central-1/Table/x',
    )
    expect(
      resolve({
        'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:\${VisitsApiLogs}/\${!Kept}`,
      }),
    ).toBe(`arn:aws:logs:eu-central-1:123456789012:VisitsApiLogs/\${Kept}`)
    expect(
      resolve({
        'Fn::Sub': [
          `\${Fn}:\${Queue}`,
          { Fn: { 'Fn::GetAtt': ['VisitsApiFunction', 'Arn'] }, Queue: imported('JobsArn') },
        ],
      }),
    ).toBe(
      'arn:aws:lambda:eu-central-1:123456789012:function:VisitsApiFunction:arn:aws:sqs:eu-central-1:123456789012:JobsQueue',
    )
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': [':', imported('JobsArn')] }] })).toBe('aws')
    expect(deployment.originOf('Service', imported('KeyArn'), 'test')).toMatchObject({
      resource: { stack: 'Data', logicalId: 'DataKey', type: 'AWS::KMS::Key' },
      attribute: 'Arn',
    })
  })

  it('throws on an unknown attribute or intrinsic, naming the construct, type and attribute', () => {
    expect(() => resolve({ 'Fn::GetAtt': ['VisitsApiFunction', 'SnapStartResponse'] })).toThrow(
      'Service/visits-api/Function/Resource: Fn::GetAtt SnapStartResponse of AWS::Lambda::Function is not known',
    )
    expect(() => deployment.resolve('Data', { 'Fn::GetAtt': ['Metrics', 'Arn'] }, 'x')).toThrow(
      /Arn of AWS::CloudWatch::MetricStream/,
    )
    expect(() => resolve({ 'Fn::Cidr': ['10.0.0.0/16', 2, 8] })).toThrow(
      'Service/Test: Fn::Cidr is not supported',
    )
    expect(() => resolve({ 'Fn::ImportValue': 'Data:Nothing' })).toThrow(
      'Fn::ImportValue Data:Nothing: no template exports it',
    )
  })
})

describe('evaluatePermissions on a CDK-synthesized two-stack app', { timeout: 60_000 }, () => {
  /** Queues and their key in one stack; in the other a function that sends to one queue and consumes the other. */
  const synthesize = (grantSend: boolean, references: 'strong' | 'weak' = 'strong') => {
    const app = new App({
      // Path metadata names the function (the CDK CLI adds it; an App in a test does not). Cross-stack references
      // by export (Fn::ImportValue) or, as the recommended flag makes them, by Fn::GetStackOutput.
      context: {
        'aws:cdk:bundling-stacks': [],
        'aws:cdk:enable-path-metadata': true,
      },
      // Over the flags the test run hands every app (CDK_CONTEXT_JSON, from cdk.json).
      postCliContext: { '@aws-cdk/core:defaultCrossStackReferences': references },
      // The built-in template validation loads a WebAssembly engine that costs ~8 s here; not what is tested.
      builtinCloudFormationValidation: false,
    })
    const dataStack = new Stack(app, 'Perm-Data')
    const key = new Key(dataStack, 'DataKey')
    const outbox = new Queue(dataStack, 'Outbox', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
    })
    const jobs = new Queue(dataStack, 'Jobs', { encryption: QueueEncryption.KMS, encryptionMasterKey: key })
    const serviceStack = new Stack(app, 'Perm-Service')
    const sender = new Construct(serviceStack, 'sender')
    const role = new Role(sender, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') })
    const logGroup = new LogGroup(sender, 'Logs')
    logGroup.grantWrite(role)
    const fn = new LambdaFunction(sender, 'Function', {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => {}'),
      role,
      logGroup,
      environment: { OUTBOX_QUEUE_URL: outbox.queueUrl, KEY_ARN: key.keyArn },
    })
    if (grantSend) outbox.grantSendMessages(fn)
    fn.addEventSource(new SqsEventSource(jobs))
    const assembly = app.synth()
    const templates = Object.fromEntries(
      [dataStack, serviceStack].map((stack) => [
        stack.stackName,
        assembly.getStackByName(stack.stackName).template,
      ]),
    )
    const idOf = (queue: Queue) => dataStack.getLogicalId(queue.node.defaultChild as CfnElement)
    return { templates, ids: { outbox: idOf(outbox), jobs: idOf(jobs) } }
  }
  const calls: RecordedCall[] = [
    { function: 'sender', action: 'sqs:SendMessage', resource: { env: 'OUTBOX_QUEUE_URL' } },
  ]
  let granted: ReturnType<typeof synthesize>
  let ungranted: ReturnType<typeof synthesize>
  beforeAll(() => {
    granted = synthesize(true)
    ungranted = synthesize(false)
  }, 60_000)
  const run = (built: ReturnType<typeof synthesize>, extra: RecordedCall[] = []) =>
    evaluatePermissions({
      templates: built.templates,
      serviceStack: 'Perm-Service',
      calls: [...calls, ...extra],
    })

  it('synthesizes a cross-stack reference, so the check goes through Fn::ImportValue', () => {
    expect(JSON.stringify(granted.templates['Perm-Service'])).toContain('Fn::ImportValue')
  })

  it('follows a weak cross-stack reference (Fn::GetStackOutput) as far as an export', () => {
    const weak = synthesize(true, 'weak')
    expect(JSON.stringify(weak.templates['Perm-Service'])).toContain('Fn::GetStackOutput')
    expect(run(weak).denied).toEqual([])
    const none = synthesize(false, 'weak')
    expect(run(none).denied.map((d) => d.action)).toEqual(['sqs:SendMessage', 'kms:GenerateDataKey'])
  })

  it('allows the granted send and the event source, and lists what the CDK grants beyond use', () => {
    const result = run(granted)
    expect(result.denied).toEqual([])
    const checked = result.checked.map((n) => n.action)
    expect(checked).toEqual(
      expect.arrayContaining([
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'kms:GenerateDataKey',
        'kms:Decrypt',
        'logs:PutLogEvents',
      ]),
    )
    const unused = result.unused.map((g) => `${g.action} ${g.resource}`)
    expect(unused).toContain(`sqs:GetQueueUrl ${sqsArn(granted.ids.outbox)}`)
    expect(unused).toContain(`sqs:GetQueueUrl ${sqsArn(granted.ids.jobs)}`)
    expect(unused.some((u) => u.startsWith('kms:Encrypt '))).toBe(true)
    expect(unused.some((u) => u.startsWith('kms:GenerateDataKey'))).toBe(false) // used by the send
    expect(unused.some((u) => u.startsWith('sqs:ReceiveMessage'))).toBe(false) // used by Lambda's polling
  })

  it("without grantSendMessages denies the send and the key action it adds, but not the consumer's Decrypt", () => {
    const result = run(ungranted, [{ function: 'sender', action: 'kms:Sign', resource: { env: 'KEY_ARN' } }])
    expect(result.denied.map((d) => `${d.action} ${d.why}`)).toEqual([
      'sqs:SendMessage OUTBOX_QUEUE_URL',
      'kms:GenerateDataKey key of OUTBOX_QUEUE_URL, for sqs:SendMessage',
      'kms:Sign KEY_ARN',
    ])
    expect(result.denied[0]?.resource).toBe(sqsArn(ungranted.ids.outbox))
  })
})
