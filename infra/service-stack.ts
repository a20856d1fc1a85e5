// What can be redeployed at will: the functions, their event sources, the HTTP API, the schedules and the alarms.
// It gets the stateful resources as typed props and grants each function only what it uses.
import { fileURLToPath } from 'node:url'
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib'
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway'
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2'
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers'
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations'
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch'
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions'
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda'
import { DynamoEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources'
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs'
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler'
import { Topic } from 'aws-cdk-lib/aws-sns'
import type { IQueue } from 'aws-cdk-lib/aws-sqs'
import type { Construct } from 'constructs'
import type * as z from 'zod'
import { configSchema, requiredInMode } from '#shared/platform/config.ts'
import { type RouteDesign, routes } from '#shared/platform/http/all-routes.ts'
import {
  type FunctionName,
  functions,
  httpFallback,
  type QueueDesign,
  type QueueName,
  queues,
  schedules,
  streamConsumer,
} from '#shared/platform/resources.ts'
import { outboxStreamFilter } from '#shared/platform/table/table-design.ts'
import { grantDeclaredUses } from './constructs/function-grants.ts'
import { InvokeLatestVersion, onFailureQueue } from './constructs/narrow-grants.ts'
import { type LogLevel, ServiceFunction } from './constructs/service-function.ts'
import { mapDeclared } from './declared.ts'
import type { AftercareData } from './stateful-stack.ts'

/** Variables only local mode sets; AWS_REGION is set by Lambda itself. */
export const notSetOnLambda = [
  'AWS_REGION',
  ...requiredInMode.local,
] as const satisfies readonly (keyof z.input<typeof configSchema>)[]

type NotSetOnLambda = (typeof notSetOnLambda)[number]

/** Set only when the identity provider is the stateful stack's Cognito user pool. */
type CognitoOnly = 'USER_POOL_ID'

/** Every variable configSchema reads in AWS mode: a new one there fails the type check here until it is set. */
export type FunctionEnvironment = Record<
  Exclude<keyof z.input<typeof configSchema>, NotSetOnLambda | CognitoOnly>,
  string
> &
  Partial<Record<CognitoOnly, string>>

/**
 * An OpenID Connect provider other than the stack's user pool, e.g. for an office deploying in mainland China, where
 * Cognito may not be offered and the Personal Information Protection Law keeps a state organ's data in the country.
 */
export interface IdentityProviderSettings {
  /** The `iss` of its ID tokens, exactly: an https URL that serves `/.well-known/openid-configuration`. */
  readonly issuer: string
  /** The client ids its ID tokens name in `aud` for this API. */
  readonly audience: readonly string[]
}

export interface ServiceSettings {
  /** @default configSchema's TIMER_SHARDS default */
  readonly timerShards?: number
  /** @default configSchema's QUEUE_DELAY_CAP_SECONDS default */
  readonly queueDelayCapSeconds?: number
  /** @default configSchema's SMS_MAX_PER_SECOND default */
  readonly smsMaxPerSecond?: number
  /** @default configSchema's LOG_LEVEL default */
  readonly logLevel?: LogLevel
  /** Steady-state requests per second over the whole API. @default 100 */
  readonly apiRateLimit?: number
  /** @default 200 */
  readonly apiBurstLimit?: number
  /**
   * Whose ID tokens the API accepts: the JWT authorizer's issuer and audience, and the functions' TOKEN_ISSUER. With
   * another provider the functions get no USER_POOL_ID: people's accounts are made at the provider and linked by
   * their subject (docs/decisions/0014-people-and-sign-in.md).
   * @default the stateful stack's Cognito user pool and its web client
   */
  readonly identityProvider?: IdentityProviderSettings
  /** @default configSchema's TOKEN_MAX_LIFETIME_SECONDS default (the web client's 1 h ID token validity) */
  readonly tokenMaxLifetimeSeconds?: number
}

/** The provider's settings, checked as API Gateway checks a JWT authorizer's: a bad one fails the synth. */
const checkedIdentityProvider = (provider: IdentityProviderSettings): IdentityProviderSettings => {
  const url = URL.canParse(provider.issuer) ? new URL(provider.issuer) : undefined
  if (url?.protocol !== 'https:' || url.search || url.hash) {
    throw new Error(
      `identityProvider.issuer "${provider.issuer}": an absolute https URL without query or fragment, exactly the ` +
        "tokens' iss",
    )
  }
  if (provider.audience.length === 0 || provider.audience.some((a) => a.trim() === '')) {
    throw new Error('identityProvider.audience: at least one client id, none empty')
  }
  return provider
}

export interface ServiceStackProps extends StackProps {
  readonly data: AftercareData
  readonly settings?: ServiceSettings
}

/** Entry paths in shared/platform/resources.ts are relative to the project root, one level above infra/. */
const projectRoot = new URL('..', import.meta.url)
const fromProjectRoot = (path: string): string => fileURLToPath(new URL(path, projectRoot))

export class ServiceStack extends Stack {
  readonly functions: Readonly<Record<FunctionName, ServiceFunction>>
  readonly api: HttpApi
  readonly alarmTopic: Topic
  readonly apiUrl: string

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props)
    const { data, settings = {} } = props
    const shape = configSchema.shape
    // Parsed with the schema the functions use, so a bad setting fails here and not at their cold start.
    const logLevel = shape.LOG_LEVEL.parse(settings.logLevel)
    const cognitoIssuer = `https://cognito-idp.${this.region}.${this.urlSuffix}/${data.userPool.userPoolId}`
    const provider = settings.identityProvider
      ? checkedIdentityProvider(settings.identityProvider)
      : { issuer: cognitoIssuer, audience: [data.userPoolClient.userPoolClientId] }
    const environment: FunctionEnvironment = {
      AFTERCARE_MODE: 'aws',
      TABLE_NAME: data.table.tableName,
      TIMERS_QUEUE_URL: data.queues.timers.queue.queueUrl,
      NOTIFICATIONS_QUEUE_URL: data.queues.notifications.queue.queueUrl,
      EVENTS_TOPIC_ARN: data.topics.events.topicArn,
      OFFICERS_TOPIC_ARN: data.topics.officers.topicArn,
      SMS_PROVIDER: 'sns',
      TIMER_SHARDS: String(shape.TIMER_SHARDS.parse(settings.timerShards)),
      QUEUE_DELAY_CAP_SECONDS: String(shape.QUEUE_DELAY_CAP_SECONDS.parse(settings.queueDelayCapSeconds)),
      SMS_MAX_PER_SECOND: String(shape.SMS_MAX_PER_SECOND.parse(settings.smsMaxPerSecond)),
      LOG_LEVEL: logLevel,
      KMS_KEY_ARN: data.key.keyArn,
      BLIND_INDEX_KEY_ARN: data.indexKey.keyArn,
      INBOUND_SMS_SECRET_ARN: data.inboundSmsSecret.secretArn,
      TOKEN_ISSUER: provider.issuer,
      TOKEN_MAX_LIFETIME_SECONDS: String(
        shape.TOKEN_MAX_LIFETIME_SECONDS.parse(settings.tokenMaxLifetimeSeconds),
      ),
      // Where directory-api creates sign-ins; not set when another provider issues the tokens.
      ...(settings.identityProvider ? {} : { USER_POOL_ID: data.userPool.userPoolId }),
    }

    this.functions = mapDeclared(functions, (name, design) => {
      const fn = new ServiceFunction(this, name, {
        entry: fromProjectRoot(design.entry),
        depsLockFilePath: fromProjectRoot('package-lock.json'),
        timeout: Duration.seconds(design.timeoutSeconds),
        memorySize: design.memoryMb,
        environment: { ...environment, POWERTOOLS_SERVICE_NAME: name },
        logLevel,
        // The sweeper runs every minute and catches up from its watermark: a retried run would only overlap the
        // next one.
        retryAttempts: name === schedules.sweeper.target ? 0 : undefined,
      })
      grantDeclaredUses(fn, design.uses, data)
      return fn
    })

    this.addEventSources(data)
    const { api, stage } = this.createApi(provider, settings)
    this.api = api
    this.apiUrl = stage.url
    this.addSchedules()
    this.alarmTopic = this.addDeadLetterAlarms(data)

    new CfnOutput(this, 'ApiUrl', { value: this.apiUrl, description: 'HTTP API base URL' })
    new CfnOutput(this, 'TokenIssuer', {
      value: provider.issuer,
      description: 'The iss of the ID tokens the API accepts',
    })
    if (!settings.identityProvider) {
      new CfnOutput(this, 'UserPoolId', {
        value: data.userPool.userPoolId,
        description:
          'Where administrators create sign-ins (npm run person, POST /admin/officers/{officerId}/sign-in)',
      })
      new CfnOutput(this, 'UserPoolClientId', {
        value: data.userPoolClient.userPoolClientId,
        description: 'Audience of the ID token the API accepts',
      })
    }
    new CfnOutput(this, 'TableName', { value: data.table.tableName })
  }

  private addEventSources(data: AftercareData): void {
    for (const [name, design] of Object.entries(queues) as [QueueName, QueueDesign][]) {
      this.functions[design.consumer].lambda.addEventSource(
        new SqsEventSource(data.queues[name].queue, {
          batchSize: design.batchSize,
          maxConcurrency: design.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      )
    }
    const consumer = this.functions[streamConsumer.function]
    consumer.lambda.addEventSource(
      new DynamoEventSource(data.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: streamConsumer.batchSize,
        retryAttempts: streamConsumer.maxRetries,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        onFailure: onFailureQueue(data.streamDeadLetterQueue),
        filters: [FilterCriteria.filter(outboxStreamFilter)],
      }),
    )
    Validations.of(consumer).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams, granted by DynamoEventSource for the event source mapping, does not support ' +
        'resource-level permissions; the stream read actions themselves are scoped to the table stream ARN.',
    })
  }

  private createApi(
    provider: IdentityProviderSettings,
    settings: ServiceSettings,
  ): { api: HttpApi; stage: HttpStage } {
    // API Gateway checks the signature, issuer, audience and expiry, and answers 401 {"message":"Unauthorized"}
    // itself; the functions then check what it cannot (ID tokens only, the longest lifetime) and who the person is
    // (docs/decisions/0014-people-and-sign-in.md).
    const authorizer = new HttpJwtAuthorizer('IdToken', provider.issuer, {
      jwtAudience: [...provider.audience],
    })
    const api = new HttpApi(this, 'Api', {
      description: 'Aftercare HTTP API',
      // Every route needs a valid ID token unless it says otherwise; the handlers check role and region on top.
      defaultAuthorizer: authorizer,
      createDefaultStage: false,
    })
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.SIX_MONTHS })
    // A stage of its own rather than the API's default one, which takes no access log settings.
    const stage = api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.apiRateLimit ?? 100, burstLimit: settings.apiBurstLimit ?? 200 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    })

    const integrations = new Map<FunctionName, HttpLambdaIntegration>()
    const integrationOf = (fn: FunctionName) => {
      let integration = integrations.get(fn)
      if (!integration) {
        integration = new HttpLambdaIntegration(`${fn}-integration`, this.functions[fn].lambda)
        integrations.set(fn, integration)
      }
      return integration
    }
    for (const route of routes as readonly RouteDesign[]) {
      const integration = integrationOf(route.function)
      const auth = route.auth ?? 'jwt'
      const [httpRoute] = api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: auth === 'jwt' ? undefined : new HttpNoneAuthorizer(),
      })
      if (auth === 'inbound-secret' && httpRoute) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            "An SMS provider's callback cannot carry a Cognito token, so this route has no authorizer; the " +
            'function checks a shared secret header itself (constant-time comparison with the Secrets Manager value).',
        })
      }
    }

    // Without a `$default` route API Gateway answers what matches no route above with its own {"message":"Not Found"}
    // (a wrong method too). Here the fallback function answers instead, with the JSON 404 / 405 of local mode.
    const fallback = new HttpRoute(api, 'DefaultRoute', {
      httpApi: api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: integrationOf(httpFallback.function),
      authorizer: new HttpNoneAuthorizer(),
    })
    Validations.of(fallback).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The $default route only answers 404 or 405 for requests that match no declared route, as local mode does ' +
        'without a token; the router never runs a route for a $default request (shared/platform/http/http-api.ts), so ' +
        'it opens nothing the JWT authorizer guards. Stage throttling applies to it as to every route.',
    })
    return { api, stage }
  }

  private addSchedules(): void {
    for (const [name, schedule] of Object.entries(schedules)) {
      new Schedule(this, `${name}-schedule`, {
        description: `Invokes ${schedule.target} on ${schedule.expression}`,
        schedule: ScheduleExpression.expression(schedule.expression),
        target: new InvokeLatestVersion(this.functions[schedule.target].lambda),
      })
    }
  }

  private addDeadLetterAlarms(data: AftercareData): Topic {
    const topic = new Topic(this, 'AlarmTopic', { masterKey: data.key, enforceSSL: true })
    const action = new SnsAction(topic)
    const deadLetterQueues: [string, IQueue][] = [
      ...Object.entries(data.queues).map(([name, q]): [string, IQueue] => [name, q.deadLetterQueue]),
      ['stream', data.streamDeadLetterQueue],
    ]
    for (const [name, dlq] of deadLetterQueues) {
      new Alarm(this, `${name}-dlq-alarm`, {
        alarmDescription: `Messages are waiting in the ${name} dead-letter queue: inspect and redrive them.`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: Stats.MAXIMUM,
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(action)
    }
    return topic
  }
}
