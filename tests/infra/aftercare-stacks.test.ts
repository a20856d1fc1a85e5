// The synthesized stacks against the declarations in shared/: what local mode creates is what AWS gets.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib'
import { Match, Template } from 'aws-cdk-lib/assertions'
import type { CfnRoute } from 'aws-cdk-lib/aws-apigatewayv2'
import { Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda'
import type { IConstruct } from 'constructs'
import { beforeAll, describe, expect, it } from 'vitest'
import { createAftercareApp } from '#infra/aftercare-app.ts'
import { notSetOnLambda } from '#infra/service-stack.ts'
import { configSchema } from '#shared/platform/config.ts'
import { type RouteDesign, routes } from '#shared/platform/http/all-routes.ts'
import {
  DLQ_RETENTION_SECONDS,
  dlqName,
  queueAttributes,
} from '#shared/platform/messaging/queue-attributes.ts'
import {
  eventSourceDeadLetterQueues,
  type FunctionName,
  type FunctionUses,
  functions,
  httpFallback,
  type QueueDesign,
  type QueueName,
  queues,
  schedules,
  streamConsumer,
  subscriptions,
  topics,
} from '#shared/platform/resources.ts'
import { createTableInput } from '#shared/platform/table/create-table-input.ts'
import { outboxStreamFilter, tableDesign } from '#shared/platform/table/table-design.ts'

type Resource = { Type: string; Properties: Record<string, unknown> }
type Built = ReturnType<typeof createAftercareApp>

let built: Built
let stateful: Template
let service: Template
let validationReport: { pluginReports: { violations: unknown[] }[] }
let messages: { id: string; level: string; entry: { data?: unknown } }[]

beforeAll(() => {
  // No esbuild in tests: the stacks are complete without the bundles.
  built = createAftercareApp({ appProps: { context: { 'aws:cdk:bundling-stacks': [] } } })
  // Throws on any cdk-nag AwsSolutions violation that is not acknowledged with a reason.
  const assembly = built.app.synth()
  stateful = Template.fromJSON(assembly.getStackArtifact(built.stateful.artifactId).template)
  service = Template.fromJSON(assembly.getStackArtifact(built.service.artifactId).template)
  messages = [built.stateful, built.service].flatMap(
    (stack) => assembly.getStackArtifact(stack.artifactId).messages,
  )
  validationReport = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'))
})

const logicalId = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement)

const ref = (construct: IConstruct) => ({ Ref: logicalId(construct) })
const getAtt = (construct: IConstruct, attribute: string) => ({
  'Fn::GetAtt': [logicalId(construct), attribute],
})

/** How the service stack sees a value the stateful stack exports. */
const imported = (value: unknown) => {
  const outputs = stateful.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>
  const output = Object.values(outputs).find((o) => JSON.stringify(o.Value) === JSON.stringify(value))
  if (!output?.Export) throw new Error(`the stateful stack does not export ${JSON.stringify(value)}`)
  return { 'Fn::ImportValue': output.Export.Name }
}

const resources = (template: Template, type: string): Record<string, Resource> =>
  template.findResources(type) as Record<string, Resource>

const sortedBy = <T>(items: readonly T[], key: (item: T) => string): T[] =>
  [...items].sort((a, b) => key(a).localeCompare(key(b)))

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged (app.synth() did not throw)', () => {
    expect(validationReport.pluginReports.flatMap((report) => report.violations)).toEqual([])
  })

  it('leaves no error or warning annotation', () => {
    const problems = messages.filter((m) => m.level === 'error' || m.level === 'warning')
    expect(problems.map((m) => `${m.id}: ${String(m.entry.data)}`)).toEqual([])
  })
})

describe('table', () => {
  const local = createTableInput('x')
  const table = () => Object.values(resources(stateful, 'AWS::DynamoDB::Table'))

  it('is the table local mode creates', () => {
    expect(table()).toHaveLength(1)
    const props = table()[0]?.Properties ?? {}
    expect(props.KeySchema).toEqual(local.KeySchema)
    const names = (defs: unknown) => sortedBy(defs as { AttributeName: string }[], (d) => d.AttributeName)
    expect(names(props.AttributeDefinitions)).toEqual(names(local.AttributeDefinitions))
    type Index = { IndexName: string; KeySchema: unknown; Projection: unknown }
    const indexes = (gsis: unknown) =>
      sortedBy(gsis as Index[], (i) => i.IndexName).map(({ IndexName, KeySchema, Projection }) => ({
        IndexName,
        KeySchema,
        Projection,
      }))
    expect(indexes(props.GlobalSecondaryIndexes)).toEqual(indexes(local.GlobalSecondaryIndexes))
    expect(props.StreamSpecification).toEqual({ StreamViewType: local.StreamSpecification?.StreamViewType })
    expect(props.BillingMode).toBe(local.BillingMode)
  })

  it('has point-in-time recovery, the customer-managed key, TTL, and is retained', () => {
    stateful.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: getAtt(built.stateful.key, 'Arn'),
        },
        TimeToLiveSpecification: { AttributeName: tableDesign.timeToLiveAttribute, Enabled: true },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    })
    expect(resources(stateful, 'AWS::KMS::Key')[logicalId(built.stateful.key)]?.Properties).toMatchObject({
      EnableKeyRotation: true,
    })
  })
})

describe('keys and secrets', () => {
  it('has the data key and an HMAC key for blind indexes, both retained', () => {
    stateful.resourceCountIs('AWS::KMS::Key', 2)
    const keys = resources(stateful, 'AWS::KMS::Key')
    // Symmetric: KeySpec absent means SYMMETRIC_DEFAULT.
    expect(keys[logicalId(built.stateful.key)]?.Properties.KeySpec).toBeUndefined()
    expect(keys[logicalId(built.stateful.indexKey)]).toMatchObject({
      Properties: { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    })
  })

  it('has a generated inbound SMS secret, encrypted with the customer-managed key', () => {
    stateful.resourceCountIs('AWS::SecretsManager::Secret', 1)
    const secret = resources(stateful, 'AWS::SecretsManager::Secret')[
      logicalId(built.stateful.inboundSmsSecret)
    ]
    expect(secret?.Properties).toEqual({
      Description: expect.any(String),
      KmsKeyId: getAtt(built.stateful.key, 'Arn'),
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
    })
  })
})

describe('queues', () => {
  it('has each declared queue with the attributes local mode gives it, and its DLQ', () => {
    for (const [name, design] of Object.entries(queues) as [QueueName, (typeof queues)[QueueName]][]) {
      const { queue, deadLetterQueue } = built.stateful.queues[name]
      const props = resources(stateful, 'AWS::SQS::Queue')[logicalId(queue)]?.Properties ?? {}
      const expected = queueAttributes(design, 'dlq-arn')
      expect(String(props.VisibilityTimeout)).toBe(expected.VisibilityTimeout)
      expect(props.RedrivePolicy).toEqual({
        ...JSON.parse(expected.RedrivePolicy ?? '{}'),
        deadLetterTargetArn: getAtt(deadLetterQueue, 'Arn'),
      })
      // Named by CDK, so that several stages fit in one account.
      expect(props.QueueName).toBeUndefined()
      expect(props.KmsMasterKeyId).toEqual(getAtt(built.stateful.key, 'Arn'))
      expect(resources(stateful, 'AWS::SQS::Queue')[logicalId(deadLetterQueue)]?.Properties).toMatchObject({
        MessageRetentionPeriod: DLQ_RETENTION_SECONDS,
        KmsMasterKeyId: getAtt(built.stateful.key, 'Arn'),
      })
    }
  })

  it('has the declared queues, their DLQs and the declared event source DLQs (the stream DLQ), no more', () => {
    stateful.resourceCountIs(
      'AWS::SQS::Queue',
      2 * Object.keys(queues).length + Object.keys(eventSourceDeadLetterQueues).length,
    )
    // The stream DLQ is the declared one that local mode creates as <prefix>-stream-dlq, with the same retention.
    expect(Object.keys(eventSourceDeadLetterQueues)).toContain(streamConsumer.deadLetterQueue)
    expect(built.stateful.streamDeadLetterQueue.node.id).toBe(dlqName(streamConsumer.deadLetterQueue))
    const streamDlq = resources(stateful, 'AWS::SQS::Queue')[logicalId(built.stateful.streamDeadLetterQueue)]
    expect(streamDlq?.Properties).toMatchObject({
      MessageRetentionPeriod: DLQ_RETENTION_SECONDS,
      KmsMasterKeyId: getAtt(built.stateful.key, 'Arn'),
    })
    expect(streamDlq?.Properties.QueueName).toBeUndefined()
  })

  it('refuses requests without TLS on every queue', () => {
    const policies = Object.values(resources(stateful, 'AWS::SQS::QueuePolicy'))
    expect(policies).toHaveLength(Object.keys(resources(stateful, 'AWS::SQS::Queue')).length)
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument).toMatchObject({
        Statement: expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      })
    }
  })
})

describe('topics', () => {
  it('has one topic per declared topic, and the alarm topic, all KMS-encrypted and TLS-only', () => {
    stateful.resourceCountIs('AWS::SNS::Topic', Object.keys(topics).length)
    service.resourceCountIs('AWS::SNS::Topic', 1)
    for (const name of Object.keys(topics) as (keyof typeof topics)[]) {
      expect(
        resources(stateful, 'AWS::SNS::Topic')[logicalId(built.stateful.topics[name])]?.Properties,
      ).toEqual({
        KmsMasterKeyId: getAtt(built.stateful.key, 'Arn'),
      })
    }
    service.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: imported(getAtt(built.stateful.key, 'Arn')),
    })
    for (const template of [stateful, service]) {
      for (const policy of Object.values(resources(template, 'AWS::SNS::TopicPolicy'))) {
        expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"')
      }
    }
  })

  it('subscribes the declared queues with raw delivery and the declared filter policy', () => {
    stateful.resourceCountIs('AWS::SNS::Subscription', subscriptions.length)
    for (const subscription of subscriptions) {
      const { queue, deadLetterQueue } = built.stateful.queues[subscription.queue]
      stateful.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sqs',
        TopicArn: ref(built.stateful.topics[subscription.topic]),
        Endpoint: getAtt(queue, 'Arn'),
        RawMessageDelivery: true,
        FilterPolicy: subscription.filterPolicy,
        RedrivePolicy: { deadLetterTargetArn: getAtt(deadLetterQueue, 'Arn') },
      })
    }
  })
})

describe('user pool', () => {
  it('has MFA with an authenticator app, the Plus plan, accounts made by administrators only', () => {
    stateful.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    })
  })

  it('keeps its old role and region attributes declared, so that an update never removes one, and unwritable', () => {
    const [pool] = Object.values(resources(stateful, 'AWS::Cognito::UserPool'))
    const schema = (pool?.Properties.Schema ?? []) as { Name: string }[]
    expect(schema.map((a) => a.Name).sort()).toEqual(['email', 'name', 'region', 'role'])
    // Role and scope are the directory record's: no code reads a custom claim.
    const found = spawnSync('git', ['grep', '-l', 'custom:', '--', 'shared', 'functions', 'local'], {
      encoding: 'utf8',
    })
    expect([found.status, found.stdout]).toEqual([1, ''])
  })

  it('lets a user write only their name and e-mail address through the app client, whose ID token lives 1 h', () => {
    const clients = Object.values(resources(stateful, 'AWS::Cognito::UserPoolClient'))
    expect(clients).toHaveLength(1)
    const writable = clients[0]?.Properties.WriteAttributes as string[] | undefined
    // An absent list would mean every attribute is writable.
    expect(writable?.sort()).toEqual(['email', 'name'])
    expect(clients[0]?.Properties).toMatchObject({
      IdTokenValidity: 60,
      TokenValidityUnits: { IdToken: 'minutes' },
    })
    // The functions accept no longer-lived token by default (TOKEN_MAX_LIFETIME_SECONDS).
    expect(configSchema.shape.TOKEN_MAX_LIFETIME_SECONDS.parse(undefined)).toBe(3600)
  })
})

describe('functions', () => {
  const newestNode = Runtime.ALL.filter((r) => r.family === RuntimeFamily.NODEJS && !r.isVariable)
    .map((r) => r.name)
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .at(-1)
  const fn = (name: FunctionName) => built.service.functions[name].lambda
  const fnProps = (name: FunctionName) =>
    resources(service, 'AWS::Lambda::Function')[logicalId(fn(name))]?.Properties
  type Statement = { Action: string | string[]; Resource: unknown }
  const statementsOf = (name: FunctionName): Statement[] => {
    const roleId = logicalId(built.service.functions[name].role)
    const policy = Object.values(resources(service, 'AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`),
    )
    const document = policy?.Properties.PolicyDocument as { Statement: Statement[] } | undefined
    return document?.Statement ?? []
  }
  const actions = (statement: Statement) => [statement.Action].flat()
  // With @aws-cdk/aws-iam:minimizePolicies (cdk.json) one statement may hold several resources of one action.
  const resourcesOf = (statement: Statement) => [statement.Resource].flat()
  const functionNames = Object.keys(functions) as FunctionName[]

  it('has one function per declared function, on the newest Node.js, ARM, JSON logs', () => {
    service.resourceCountIs('AWS::Lambda::Function', Object.keys(functions).length)
    for (const [name, design] of Object.entries(functions) as [
      FunctionName,
      (typeof functions)[FunctionName],
    ][]) {
      expect(fnProps(name)).toMatchObject({
        Runtime: newestNode,
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: design.timeoutSeconds,
        MemorySize: design.memoryMb,
        LoggingConfig: { LogFormat: 'JSON', LogGroup: ref(built.service.functions[name].logGroup) },
      })
    }
  })

  it('gives every function the configuration configSchema reads in AWS mode, and nothing local', () => {
    const shape = configSchema.shape as Record<
      string,
      { safeParse(v: unknown): { success: boolean; data?: unknown } }
    >
    const notSet: readonly string[] = notSetOnLambda
    const needed = Object.keys(shape).filter((key) => !notSet.includes(key))
    // The ARNs AWS mode requires are among them (configSchema refuses to start without them).
    expect(needed).toEqual(
      expect.arrayContaining([
        'KMS_KEY_ARN',
        'BLIND_INDEX_KEY_ARN',
        'INBOUND_SMS_SECRET_ARN',
        'SMS_MAX_PER_SECOND',
      ]),
    )
    for (const name of functionNames) {
      const environment = fnProps(name)?.Environment as { Variables: Record<string, unknown> } | undefined
      const variables = environment?.Variables ?? {}
      expect(Object.keys(variables).sort(), name).toEqual(
        [...needed, 'POWERTOOLS_SERVICE_NAME', 'NODE_OPTIONS'].sort(),
      )
      for (const key of needed) {
        const value = variables[key]
        // Literal values must pass the schema; the others are references to the stateful stack.
        if (typeof value === 'string')
          expect(shape[key]?.safeParse(value).success, `${name} ${key}`).toBe(true)
        else if (key === 'TOKEN_ISSUER') expect(value).toHaveProperty(['Fn::Join'])
        else expect(value).toHaveProperty(['Fn::ImportValue'])
      }
      // The user pool's issuer, as Cognito writes it into the ID token's iss.
      expect(JSON.stringify(variables.TOKEN_ISSUER)).toContain('https://cognito-idp.')
      expect(JSON.stringify(variables.TOKEN_ISSUER)).toContain(
        JSON.stringify(imported(ref(built.stateful.userPool))),
      )
      expect(variables.USER_POOL_ID).toEqual(imported(ref(built.stateful.userPool)))
      expect(variables.AFTERCARE_MODE).toBe('aws')
      expect(variables.SMS_PROVIDER).toBe('sns')
      expect(variables.TABLE_NAME).toEqual(imported(ref(built.stateful.table)))
      expect(variables.TIMERS_QUEUE_URL).toEqual(imported(ref(built.stateful.queues.timers.queue)))
      expect(variables.NOTIFICATIONS_QUEUE_URL).toEqual(
        imported(ref(built.stateful.queues.notifications.queue)),
      )
      expect(variables.EVENTS_TOPIC_ARN).toEqual(imported(ref(built.stateful.topics.events)))
      expect(variables.OFFICERS_TOPIC_ARN).toEqual(imported(ref(built.stateful.topics.officers)))
      expect(variables.KMS_KEY_ARN).toEqual(imported(getAtt(built.stateful.key, 'Arn')))
      expect(variables.BLIND_INDEX_KEY_ARN).toEqual(imported(getAtt(built.stateful.indexKey, 'Arn')))
      expect(variables.INBOUND_SMS_SECRET_ARN).toEqual(imported(ref(built.stateful.inboundSmsSecret)))
    }
  })

  it('grants the data key by use (the table: Decrypt, DescribeKey; queues, topics, fields: GenerateDataKey, Decrypt; never Encrypt), and kms:GenerateMac only for personal data', () => {
    const dataKey = imported(getAtt(built.stateful.key, 'Arn'))
    const indexKey = imported(getAtt(built.stateful.indexKey, 'Arn'))
    for (const name of functionNames) {
      const statements = statementsOf(name)
      const on = (key: unknown) =>
        statements.filter((st) => JSON.stringify(st.Resource) === JSON.stringify(key)).flatMap(actions)
      const uses = functions[name].uses as FunctionUses
      const envelopes = uses.sendsTo.length > 0 || uses.publishesTo.length > 0 || uses.personalData === true
      // Event sources add their own statements (the stream's: Decrypt and DescribeKey), perhaps more than once.
      const granted = new Set(on(dataKey))
      expect(granted, name).toEqual(
        new Set([
          'kms:Decrypt',
          ...(uses.table || name === streamConsumer.function ? ['kms:DescribeKey'] : []),
          ...(envelopes ? ['kms:GenerateDataKey'] : []),
        ]),
      )
      const personalData = uses.personalData === true
      expect(on(indexKey), name).toEqual(personalData ? ['kms:GenerateMac'] : [])
    }
    // The sweeper handles no personal data: its cold start calls no KMS.
    expect(JSON.stringify(statementsOf('timer-sweeper'))).not.toContain(JSON.stringify(indexKey))
    // No statement anywhere in the service stack names the index key with other actions, or any key with MAC ones.
    for (const policy of Object.values(resources(service, 'AWS::IAM::Policy'))) {
      const { Statement } = policy.Properties.PolicyDocument as { Statement: Statement[] }
      for (const st of Statement) {
        if (actions(st).some((a) => a.includes('Mac'))) expect(st.Resource).toEqual(indexKey)
      }
    }
  })

  it('grants GetSecretValue on the inbound SMS secret to notifications-api only', () => {
    const secretStatements = Object.values(resources(service, 'AWS::IAM::Policy')).flatMap((policy) => {
      const { Statement } = policy.Properties.PolicyDocument as { Statement: Statement[] }
      return Statement.filter((st) => actions(st).some((a) => a.startsWith('secretsmanager:')))
    })
    expect(secretStatements).toHaveLength(1)
    for (const name of functionNames) {
      const granted = statementsOf(name).filter((st) =>
        actions(st).some((a) => a.startsWith('secretsmanager:')),
      )
      expect(granted, name).toEqual(
        name === 'notifications-api'
          ? [
              {
                Action: 'secretsmanager:GetSecretValue',
                Effect: 'Allow',
                Resource: imported(ref(built.stateful.inboundSmsSecret)),
              },
            ]
          : [],
      )
    }
  })

  it('lets exactly the functions that declare a queue send to it', () => {
    for (const queue of ['timers', 'notifications'] as const) {
      const queueArn = JSON.stringify(imported(getAtt(built.stateful.queues[queue].queue, 'Arn')))
      const senders = functionNames.filter((name) =>
        statementsOf(name).some(
          (st) =>
            actions(st).includes('sqs:SendMessage') &&
            resourcesOf(st).some((resource) => JSON.stringify(resource) === queueArn),
        ),
      )
      const declared = functionNames.filter((name) =>
        (functions[name].uses.sendsTo as readonly string[]).includes(queue),
      )
      expect(senders.sort(), queue).toEqual(declared.sort())
    }
    // The senders the permission check found on AWS's side: what the emulators never refused.
    expect(functions['visits-api'].uses.sendsTo).toEqual(['timers', 'notifications'])
    expect(functions['notification-dispatcher'].uses.sendsTo).toEqual(['timers', 'notifications'])
  })

  it('grants SMS publishing to the dispatcher only, and no item access to the stream consumer', () => {
    for (const name of functionNames) {
      const smsToAnyone = statementsOf(name).some(
        (st) => resourcesOf(st).includes('*') && actions(st).includes('sns:Publish'),
      )
      expect(smsToAnyone, name).toBe(name === 'notification-dispatcher')
    }
    const streamConsumerActions = statementsOf(streamConsumer.function).flatMap(actions)
    expect(streamConsumerActions).toContain('dynamodb:GetRecords')
    expect(streamConsumerActions.filter((a) => /Item|Query|Scan/.test(a))).toEqual([])
  })

  it('gives no function a managed policy', () => {
    for (const role of Object.values(resources(service, 'AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined()
    }
  })

  it('feeds each queue to its consumer with partial batch failures and the declared maximum concurrency', () => {
    for (const [name, design] of Object.entries(queues) as [QueueName, QueueDesign][]) {
      service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: imported(getAtt(built.stateful.queues[name].queue, 'Arn')),
        FunctionName: ref(fn(design.consumer)),
        BatchSize: design.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig:
          design.maxConcurrency === undefined
            ? Match.absent()
            : { MaximumConcurrency: design.maxConcurrency },
      })
    }
    // The dispatcher's concurrency, with the shared per-second counter, keeps SMS within the provider's quota.
    service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: ref(fn(queues.notifications.consumer)),
      ScalingConfig: { MaximumConcurrency: queues.notifications.maxConcurrency },
    })
  })

  it('feeds new outbox items from the table stream to the stream consumer, failures to the stream DLQ', () => {
    service.resourceCountIs('AWS::Lambda::EventSourceMapping', Object.keys(queues).length + 1)
    service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: imported(getAtt(built.stateful.table, 'StreamArn')),
      FunctionName: ref(fn(streamConsumer.function)),
      BatchSize: streamConsumer.batchSize,
      StartingPosition: 'TRIM_HORIZON',
      MaximumRetryAttempts: streamConsumer.maxRetries,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(outboxStreamFilter) }] },
      DestinationConfig: {
        OnFailure: { Destination: imported(getAtt(built.stateful.streamDeadLetterQueue, 'Arn')) },
      },
    })
  })
})

describe('HTTP API', () => {
  const declaredRoutes: readonly RouteDesign[] = routes

  it('has one route per declared route, behind the Cognito JWT authorizer unless declared otherwise', () => {
    service.resourceCountIs('AWS::ApiGatewayV2::Route', routes.length + 1)
    const routeResources = Object.values(resources(service, 'AWS::ApiGatewayV2::Route'))
    expect(routeResources.map((r) => r.Properties.RouteKey).sort()).toEqual(
      [...routes.map((r) => `${r.method} ${r.path}`), '$default'].sort(),
    )
    const [authorizerId, ...otherAuthorizers] = Object.keys(
      resources(service, 'AWS::ApiGatewayV2::Authorizer'),
    )
    expect(otherAuthorizers).toEqual([])
    const integrations = resources(service, 'AWS::ApiGatewayV2::Integration')
    for (const route of declaredRoutes) {
      const found = routeResources.find((r) => r.Properties.RouteKey === `${route.method} ${route.path}`)
      const auth = route.auth ?? 'jwt'
      if (auth === 'jwt') {
        expect(found?.Properties).toMatchObject({
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: authorizerId },
        })
      } else {
        expect(found?.Properties.AuthorizationType, route.path).toBe('NONE')
        expect(found?.Properties.AuthorizerId, route.path).toBeUndefined()
      }
      const target = JSON.stringify(found?.Properties.Target)
      const integrationId = Object.keys(integrations).find((id) => target.includes(`"${id}"`)) ?? ''
      expect(integrations[integrationId]?.Properties.IntegrationUri).toEqual(
        getAtt(built.service.functions[route.function].lambda, 'Arn'),
      )
    }
  })

  it('sends what matches no declared route to the fallback function on $default, which answers 404 / 405', () => {
    const routeResources = Object.values(resources(service, 'AWS::ApiGatewayV2::Route'))
    const fallback = routeResources.filter((r) => r.Properties.RouteKey === '$default')
    expect(fallback).toHaveLength(1)
    // No authorizer: an unknown route answers 404 without a token, as locally; the router runs no route for it.
    expect(fallback[0]?.Properties.AuthorizationType).toBe('NONE')
    expect(fallback[0]?.Properties.AuthorizerId).toBeUndefined()
    const integrations = resources(service, 'AWS::ApiGatewayV2::Integration')
    const target = JSON.stringify(fallback[0]?.Properties.Target)
    const integrationId = Object.keys(integrations).find((id) => target.includes(`"${id}"`)) ?? ''
    expect(integrations[integrationId]?.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: getAtt(built.service.functions[httpFallback.function].lambda, 'Arn'),
    })
    // The fallback function serves declared routes too: its router is the one that knows the whole route table.
    expect(declaredRoutes.some((r) => r.function === httpFallback.function)).toBe(true)
    // API Gateway may invoke it for any path of the API.
    service.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: getAtt(built.service.functions[httpFallback.function].lambda, 'Arn'),
      Principal: 'apigateway.amazonaws.com',
      SourceArn: {
        'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/\\*/\\*$')])],
      },
    })
  })

  it('leaves only the SMS provider callback and $default without the authorizer, acknowledged there alone', () => {
    const open = declaredRoutes.filter((r) => (r.auth ?? 'jwt') !== 'jwt')
    expect(open.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /sms/inbound'])
    // cdk-nag APIG4 (no authorization) is acknowledged on those routes and nowhere else.
    const acknowledgedApig4 = [built.stateful, built.service].flatMap((stack) =>
      stack.node
        .findAll()
        .filter((c) =>
          c.node.metadata.some(
            (m) =>
              m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY &&
              Object.keys(m.data as object).some((id) => id.endsWith('AwsSolutions-APIG4')),
          ),
        ),
    )
    // Each acknowledgement sits on a route construct, whose CloudFormation route is one of the open routes.
    expect(
      acknowledgedApig4.map((c) => (c.node.defaultChild as CfnRoute | undefined)?.routeKey).sort(),
    ).toEqual([...open.map((r) => `${r.method} ${r.path}`), '$default'].sort())
  })

  it('accepts ID tokens of another OIDC provider when one is configured, and then sets no USER_POOL_ID', () => {
    const other = createAftercareApp({
      appProps: { context: { 'aws:cdk:bundling-stacks': [] } },
      settings: {
        identityProvider: {
          issuer: 'https://idp.example.gov.cn/realms/xinfang',
          audience: ['aftercare-web'],
        },
        tokenMaxLifetimeSeconds: 1800,
      },
    })
    const template = Template.fromStack(other.service)
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Audience: ['aftercare-web'], Issuer: 'https://idp.example.gov.cn/realms/xinfang' },
    })
    const lambdas = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[]
    expect(lambdas.length).toBeGreaterThan(0)
    for (const fn of lambdas) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables
      expect(variables.TOKEN_ISSUER).toBe('https://idp.example.gov.cn/realms/xinfang')
      expect(variables.TOKEN_MAX_LIFETIME_SECONDS).toBe('1800')
      expect(variables).not.toHaveProperty('USER_POOL_ID')
    }
    const outputs = Object.keys(template.toJSON().Outputs as object)
    expect(outputs).toContain('TokenIssuer')
    expect(outputs).not.toContain('UserPoolId')
    expect(() =>
      createAftercareApp({
        appProps: { context: { 'aws:cdk:bundling-stacks': [] } },
        settings: { identityProvider: { issuer: 'http://idp.example.gov.cn', audience: ['a'] } },
      }),
    ).toThrow(/identityProvider.issuer "http:\/\/idp.example.gov.cn": an absolute https URL/)
  })

  it('accepts ID tokens of the user pool client', () => {
    service.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [imported(ref(built.stateful.userPoolClient))],
        Issuer: {
          'Fn::Join': [
            '',
            [
              'https://cognito-idp.',
              { Ref: 'AWS::Region' },
              '.',
              { Ref: 'AWS::URLSuffix' },
              '/',
              imported(ref(built.stateful.userPool)),
            ],
          ],
        },
      },
    })
  })

  it('logs access in JSON with the request id', () => {
    service.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
    })
  })

  it('outputs the API URL, user pool, client and table', () => {
    const outputs = service.toJSON().Outputs as Record<string, unknown>
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'TableName']),
    )
  })
})

describe('schedules', () => {
  it('invokes each scheduled function on its declared expression', () => {
    service.resourceCountIs('AWS::Scheduler::Schedule', Object.keys(schedules).length)
    for (const schedule of Object.values(schedules)) {
      service.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: schedule.expression,
        Target: { Arn: getAtt(built.service.functions[schedule.target].lambda, 'Arn') },
      })
    }
  })
})

describe('alarms', () => {
  it('alarms on every dead-letter queue as soon as it holds a message', () => {
    const deadLetterQueues = [
      ...Object.values(built.stateful.queues).map((q) => q.deadLetterQueue),
      built.stateful.streamDeadLetterQueue,
    ]
    service.resourceCountIs('AWS::CloudWatch::Alarm', deadLetterQueues.length)
    for (const dlq of deadLetterQueues) {
      service.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: imported(getAtt(dlq, 'QueueName')) }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        AlarmActions: [ref(built.service.alarmTopic)],
      })
    }
  })
})
