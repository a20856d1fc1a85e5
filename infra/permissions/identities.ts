// The names, ids and ARNs a simulated deployment gives each resource type: what Ref and Fn::GetAtt return.
import { createHash } from 'node:crypto'

export interface Environment {
  readonly account: string
  readonly region: string
  readonly partition: string
  readonly urlSuffix: string
}

/** What CloudFormation would return for the resource: `Ref` and its Fn::GetAtt attributes. */
export interface Identity {
  readonly ref: string
  readonly attributes: Readonly<Record<string, string>>
}

export interface IdentitySource {
  readonly stack: string
  readonly logicalId: string
  readonly properties: Readonly<Record<string, unknown>>
  /** The physical name given in the template (QueueName, TableName…), resolved; undefined when CFN picks one. */
  readonly givenName: string | undefined
  readonly env: Environment
}

interface Kind {
  /** The property that names the resource, if the template may set one. */
  readonly nameProperty?: string
  readonly identity: (source: IdentitySource & { name: string }) => Identity
}

/** Stable across runs, so that a failing test prints the same ARN each time. */
const digest = (text: string) => createHash('sha256').update(text).digest('hex')

/** A made-up key id shaped like a real one (8-4-4-4-12 hex), derived from where the key is declared. */
export const keyIdOf = (stack: string, logicalId: string) => {
  const hex = digest(`${stack}/${logicalId}`)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

const arn = (env: Environment, service: string, region: string, account: string, resource: string) =>
  `arn:${env.partition}:${service}:${region}:${account}:${resource}`
const regional = (env: Environment, service: string, resource: string) =>
  arn(env, service, env.region, env.account, resource)
const alphanumeric = (text: string) => text.replace(/[^A-Za-z0-9]/g, '')
// FIFO queues and topics get the suffix from CloudFormation too when it makes up the name.
const fifo = (s: IdentitySource & { name: string }, flag: string) =>
  s.givenName === undefined && s.properties[flag] === true ? `${s.name}.fifo` : s.name

const table: Kind = {
  nameProperty: 'TableName',
  identity: ({ env, name }) => {
    const tableArn = regional(env, 'dynamodb', `table/${name}`)
    // Any label will do: IAM policies name a stream with a wildcard or the exact ARN CloudFormation returned.
    const streamArn = `${tableArn}/stream/2026-01-01T00:00:00.000`
    return { ref: name, attributes: { Arn: tableArn, StreamArn: streamArn, TableId: name } }
  },
}

const kinds: Record<string, Kind> = {
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    identity: (s) => {
      const name = fifo(s, 'FifoQueue')
      const url = `https://sqs.${s.env.region}.${s.env.urlSuffix}/${s.env.account}/${name}`
      return { ref: url, attributes: { Arn: regional(s.env, 'sqs', name), QueueName: name, QueueUrl: url } }
    },
  },
  'AWS::SNS::Topic': {
    nameProperty: 'TopicName',
    identity: (s) => {
      const name = fifo(s, 'FifoTopic')
      const topicArn = regional(s.env, 'sns', name)
      return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: name } }
    },
  },
  'AWS::DynamoDB::Table': table,
  'AWS::DynamoDB::GlobalTable': table,
  'AWS::KMS::Key': {
    identity: ({ env, stack, logicalId }) => {
      const keyId = keyIdOf(stack, logicalId)
      return { ref: keyId, attributes: { Arn: regional(env, 'kms', `key/${keyId}`), KeyId: keyId } }
    },
  },
  'AWS::KMS::Alias': { nameProperty: 'AliasName', identity: ({ name }) => ({ ref: name, attributes: {} }) },
  'AWS::SecretsManager::Secret': {
    nameProperty: 'Name',
    identity: ({ env, name }) => {
      // Secrets Manager appends six random characters to the name.
      const secretArn = regional(env, 'secretsmanager', `secret:${name}-AbCdEf`)
      return { ref: secretArn, attributes: { Id: secretArn } }
    },
  },
  'AWS::Cognito::UserPool': {
    identity: ({ env, logicalId }) => {
      const id = `${env.region}_${alphanumeric(logicalId)}`
      const provider = `cognito-idp.${env.region}.${env.urlSuffix}/${id}`
      return {
        ref: id,
        attributes: {
          Arn: regional(env, 'cognito-idp', `userpool/${id}`),
          ProviderName: provider,
          ProviderURL: `https://${provider}`,
          UserPoolId: id,
        },
      }
    },
  },
  'AWS::Cognito::UserPoolClient': {
    identity: ({ stack, logicalId }) => {
      const id = digest(`${stack}/${logicalId}`).slice(0, 26)
      return { ref: id, attributes: { ClientId: id } }
    },
  },
  'AWS::Lambda::Function': {
    nameProperty: 'FunctionName',
    identity: ({ env, name }) => ({
      ref: name,
      attributes: { Arn: regional(env, 'lambda', `function:${name}`) },
    }),
  },
  'AWS::Logs::LogGroup': {
    nameProperty: 'LogGroupName',
    identity: ({ env, name }) => ({
      ref: name,
      attributes: { Arn: regional(env, 'logs', `log-group:${name}:*`) },
    }),
  },
  'AWS::IAM::Role': {
    nameProperty: 'RoleName',
    identity: ({ env, name, properties, stack, logicalId }) => {
      const path = typeof properties.Path === 'string' ? properties.Path : '/'
      const roleArn = arn(env, 'iam', '', env.account, `role${path}${name}`)
      const roleId = `AROA${digest(`${stack}/${logicalId}`).slice(0, 17).toUpperCase()}`
      return { ref: name, attributes: { Arn: roleArn, RoleId: roleId } }
    },
  },
  'AWS::IAM::ManagedPolicy': {
    nameProperty: 'ManagedPolicyName',
    identity: ({ env, name, properties }) => {
      const path = typeof properties.Path === 'string' ? properties.Path : '/'
      const policyArn = arn(env, 'iam', '', env.account, `policy${path}${name}`)
      return { ref: policyArn, attributes: { PolicyArn: policyArn } }
    },
  },
  'AWS::IAM::Policy': {
    nameProperty: 'PolicyName',
    identity: ({ name }) => ({ ref: name, attributes: { Id: name } }),
  },
  'AWS::S3::Bucket': {
    nameProperty: 'BucketName',
    identity: ({ env, name }) => {
      const bucket = name.toLowerCase()
      return {
        ref: bucket,
        attributes: {
          Arn: arn(env, 's3', '', '', bucket),
          DomainName: `${bucket}.s3.${env.urlSuffix}`,
          RegionalDomainName: `${bucket}.s3.${env.region}.${env.urlSuffix}`,
        },
      }
    },
  },
  'AWS::ApiGatewayV2::Api': {
    identity: ({ env, logicalId }) => {
      const id = alphanumeric(logicalId).slice(0, 10).toLowerCase()
      return {
        ref: id,
        attributes: { ApiId: id, ApiEndpoint: `https://${id}.execute-api.${env.region}.${env.urlSuffix}` },
      }
    },
  },
  'AWS::CloudWatch::Alarm': {
    nameProperty: 'AlarmName',
    identity: ({ env, name }) => ({
      ref: name,
      attributes: { Arn: regional(env, 'cloudwatch', `alarm:${name}`) },
    }),
  },
}

/** The property that gives the type its physical name, if any. */
export const namePropertyOf = (type: string): string | undefined => kinds[type]?.nameProperty

/** Ref and attributes of a resource; a type not listed here has a Ref (its logical id) and no attributes. */
export const identityOf = (type: string, source: IdentitySource): Identity => {
  const name = source.givenName ?? source.logicalId
  const kind = kinds[type]
  return kind ? kind.identity({ ...source, name }) : { ref: name, attributes: {} }
}
