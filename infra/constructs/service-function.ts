// A Lambda function with the project's defaults in one call: newest Node.js on ARM, an ESM bundle that carries
// its own SDK, JSON logs to a log group of its own, and a role that holds only what the stack grants it.
import { type Duration, RemovalPolicy } from 'aws-cdk-lib'
import { type IGrantable, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam'
import { ApplicationLogLevel, Architecture, LoggingFormat } from 'aws-cdk-lib/aws-lambda'
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs'
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import {
  bundleAliasArgs,
  bundleFormat,
  bundleMainFields,
  bundleMinify,
  bundleSourceMap,
  bundleSourcesContent,
  bundleTarget,
  nodeRuntime,
  requireBanner,
} from '../bundling.ts'

export { nodeRuntime }

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'

export interface ServiceFunctionProps {
  /** Absolute path of the entry file; it exports `handler`. */
  readonly entry: string
  /** Absolute path of the lock file; its directory is the project root esbuild resolves from. */
  readonly depsLockFilePath: string
  readonly timeout: Duration
  readonly memorySize: number
  readonly environment: Readonly<Record<string, string>>
  /** Lambda drops JSON log lines below this level, so it follows the code's own LOG_LEVEL. */
  readonly logLevel: LogLevel
  /**
   * Six months by default: the Cybersecurity Law (网络安全法, Art. 21) asks network operators to keep logs that long.
   * @default RetentionDays.SIX_MONTHS
   */
  readonly logRetention?: RetentionDays
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy
  /** Asynchronous invocation retries. @default 2 (the Lambda default) */
  readonly retryAttempts?: number
  readonly description?: string
}

export class ServiceFunction extends Construct implements IGrantable {
  readonly lambda: NodejsFunction
  /** The function's own role: no managed policy, only what grants add. */
  readonly role: Role
  readonly logGroup: LogGroup
  readonly grantPrincipal: Role

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id)
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.SIX_MONTHS,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    })
    // An explicit role instead of the default one with AWSLambdaBasicExecutionRole (cdk-nag IAM4): it may write
    // to its own log group and nowhere else.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') })
    this.grantPrincipal = this.role
    this.logGroup.grantWrite(this.role)

    this.lambda = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      depsLockFilePath: props.depsLockFilePath,
      handler: 'handler',
      runtime: nodeRuntime,
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      role: this.role,
      // Stack traces point into the TypeScript sources through the bundle's source map.
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[props.logLevel],
      retryAttempts: props.retryAttempts,
      description: props.description,
      bundling: {
        format: bundleFormat,
        target: bundleTarget,
        mainFields: bundleMainFields,
        minify: bundleMinify,
        sourceMap: bundleSourceMap,
        sourcesContent: bundleSourcesContent,
        banner: requireBanner,
        esbuildArgs: { '--alias': bundleAliasArgs() },
        // Bundle the SDK too: a pinned, tree-shaken SDK loads faster than the runtime's and cannot drift.
        externalModules: [],
      },
    })
  }
}
