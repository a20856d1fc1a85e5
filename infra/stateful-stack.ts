// What holds data and outlives deployments: the KMS keys, the table, the queues with their DLQs, the topics, the
// inbound SMS secret and the user pool. All of it is built from the declarations in shared/, the same ones local
// mode creates.
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib'
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito'
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb'
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam'
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms'
import { Secret } from 'aws-cdk-lib/aws-secretsmanager'
import { SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns'
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions'
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs'
import type { Construct } from 'constructs'
import { DLQ_RETENTION_SECONDS, dlqName } from '#shared/platform/messaging/queue-attributes.ts'
import {
  type QueueName,
  queues,
  streamConsumer,
  subscriptions,
  type TopicName,
  topics,
} from '#shared/platform/resources.ts'
import { tableDesign } from '#shared/platform/table/table-design.ts'
import { mapDeclared } from './declared.ts'

/** A work queue and the dead-letter queue its failed messages move to after `maxReceiveCount` receives. */
export interface QueueWithDlq {
  readonly queue: Queue
  readonly deadLetterQueue: Queue
}

/** The stateful resources the service stack builds on. */
export interface AftercareData {
  /** Encrypts the table, queues and topics, and is the crypto port's key for field encryption. */
  readonly key: Key
  /**
   * An HMAC key (HMAC_256, GENERATE_VERIFY_MAC): the functions derive the blind-index root key from it at cold
   * start with kms:GenerateMac over a fixed label. Never rotated: every stored blind index depends on it.
   */
  readonly indexKey: Key
  /** The shared secret an SMS provider's callback sends to the inbound SMS route; encrypted with `key`. */
  readonly inboundSmsSecret: Secret
  readonly table: Table
  readonly queues: Readonly<Record<QueueName, QueueWithDlq>>
  /** Where the stream consumer's failed stream records go after its retries, so none is lost. */
  readonly streamDeadLetterQueue: Queue
  readonly topics: Readonly<Record<TopicName, Topic>>
  readonly userPool: UserPool
  /** The client whose ID token the HTTP API accepts as bearer token. */
  readonly userPoolClient: UserPoolClient
}

const attributeTypes = {
  string: AttributeType.STRING,
  number: AttributeType.NUMBER,
  binary: AttributeType.BINARY,
}

const attribute = (key: { name: string; type: keyof typeof attributeTypes }) => ({
  name: key.name,
  type: attributeTypes[key.type],
})

export class StatefulStack extends Stack implements AftercareData {
  readonly key: Key
  readonly indexKey: Key
  readonly inboundSmsSecret: Secret
  readonly table: Table
  readonly queues: Readonly<Record<QueueName, QueueWithDlq>>
  readonly streamDeadLetterQueue: Queue
  readonly topics: Readonly<Record<TopicName, Topic>>
  readonly userPool: UserPool
  readonly userPoolClient: UserPoolClient

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props)

    this.key = new Key(this, 'DataKey', {
      description: 'Aftercare data: table, queues, topics and field-level envelope encryption',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    })
    // CloudWatch alarms publish to the KMS-encrypted alarm topic; AWS-managed SNS keys do not allow that.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    )

    // KMS rotates no HMAC key automatically, and rotating it by hand would change every stored blind index: the
    // index key lives as long as the data. (cdk-nag KMS5 checks symmetric encryption keys only.)
    this.indexKey = new Key(this, 'BlindIndexKey', {
      description: 'Aftercare blind indexes: the root key is an HMAC of a fixed label under this key',
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      enableKeyRotation: false,
      removalPolicy: RemovalPolicy.RETAIN,
    })

    this.inboundSmsSecret = new Secret(this, 'InboundSmsSecret', {
      description: "Aftercare: the shared secret header of the SMS provider's inbound callback",
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    })
    Validations.of(this.inboundSmsSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        "The SMS provider's callback configuration holds a copy of this secret, which a rotation Lambda cannot " +
        'update: rotation is an operator procedure, documented in the README.',
    })

    this.table = this.createTable()
    this.queues = mapDeclared(queues, (name, design) => {
      const deadLetterQueue = this.encryptedQueue(dlqName(name), {
        retentionPeriod: Duration.seconds(DLQ_RETENTION_SECONDS),
      })
      const queue = this.encryptedQueue(name, {
        visibilityTimeout: Duration.seconds(design.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: design.maxReceiveCount },
      })
      return { queue, deadLetterQueue }
    })
    this.streamDeadLetterQueue = this.encryptedQueue(dlqName(streamConsumer.deadLetterQueue), {
      retentionPeriod: Duration.seconds(DLQ_RETENTION_SECONDS),
    })
    Validations.of(this.streamDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: the on-failure destination of the table stream consumer. ' +
        'It is alarmed on depth; a dead-letter queue of a dead-letter queue would only hide records further.',
    })

    this.topics = mapDeclared(
      topics,
      (name) => new Topic(this, name, { masterKey: this.key, enforceSSL: true }),
    )
    for (const subscription of subscriptions) {
      const { queue, deadLetterQueue } = this.queues[subscription.queue]
      const filterPolicy = 'filterPolicy' in subscription ? subscription.filterPolicy : undefined
      this.topics[subscription.topic].addSubscription(
        new SqsSubscription(queue, {
          rawMessageDelivery: true,
          filterPolicy:
            filterPolicy &&
            mapDeclared(filterPolicy, (_, allowlist) =>
              SubscriptionFilter.stringFilter({ allowlist: [...allowlist] }),
            ),
          // A message SNS cannot deliver waits in the queue's DLQ, alarmed like the rest, instead of being dropped.
          deadLetterQueue,
        }),
      )
    }

    this.userPool = this.createUserPool()
    this.userPoolClient = this.userPool.addClient('WebClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      // No hosted UI: the front end signs in with SRP and sends the ID token.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      // What a person may do comes from their directory record, not from the pool; the user may still not change
      // more of their account than their name and e-mail address.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    })
  }

  private createTable(): Table {
    const table = new Table(this, 'Table', {
      partitionKey: attribute(tableDesign.partitionKey),
      sortKey: attribute(tableDesign.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      stream: StreamViewType[tableDesign.stream],
      timeToLiveAttribute: tableDesign.timeToLiveAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    })
    for (const [indexName, index] of Object.entries(tableDesign.indexes)) {
      if (index.type !== 'global') throw new Error(`index ${indexName}: only global indexes are supported`)
      table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        projectionType: ProjectionType.ALL,
      })
    }
    return table
  }

  private encryptedQueue(id: string, props: QueueProps): Queue {
    return new Queue(this, id, {
      ...props,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
    })
  }

  private createUserPool(): UserPool {
    return new UserPool(this, 'UserPool', {
      // Staff accounts are created by administrators (AdminCreateUser, through directory-api or `npm run person`),
      // never by sign-up.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: {
        email: { required: false, mutable: true },
        fullname: { required: false, mutable: true },
      },
      // Role and region scope are the directory's (the person's staff record), linked by the token's subject
      // (docs/decisions/0014-people-and-sign-in.md). These two attributes are read by nothing, written by no app
      // client and set on no account; they stay declared because a user pool cannot lose an attribute, so removing
      // them would fail the update of a pool deployed before that decision.
      customAttributes: {
        role: new StringAttribute({ mutable: true }),
        region: new StringAttribute({ mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      // Staff see petitioners' names, phone numbers and resident ID numbers: a stolen password must not be enough.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      // Plus: compromised-credential checks and adaptive authentication, blocking risky sign-ins (cdk-nag COG8).
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    })
  }
}
