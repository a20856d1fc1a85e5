// From a configuration value to the ARN IAM checks, and from a queue, topic or table to the key that encrypts it.
import type { Origin, ResourceRef, SimulatedDeployment } from './simulate.ts'

/** The ARN a value names, and the resource it came from when the templates declare it. */
export interface Target {
  readonly arn: string | undefined
  readonly origin: Origin | undefined
  readonly value: string
}

/** The key a resource is encrypted with: one of ours, an AWS managed one (no IAM grant needed), or unknown. */
export type KeyRef = { arn: string } | { managed: string } | { unknown: string }

const tableTypes = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'])
export const isTable = (resource: ResourceRef) => tableTypes.has(resource.type)

const tryAttribute = (deployment: SimulatedDeployment, resource: ResourceRef, attribute: string) => {
  try {
    return deployment.attribute(resource, attribute)
  } catch {
    return undefined
  }
}

/** The ARN IAM authorises a call on the resource against. */
export const arnOfOrigin = (deployment: SimulatedDeployment, origin: Origin): string | undefined => {
  const { resource } = origin
  if (isTable(resource))
    return deployment.attribute(resource, origin.attribute === 'StreamArn' ? 'StreamArn' : 'Arn')
  switch (resource.type) {
    case 'AWS::KMS::Alias': {
      // IAM authorises a call made through an alias against the key behind it.
      const key = keyFromValue(
        deployment,
        resource.stack,
        resource.properties.TargetKeyId,
        resource.logicalId,
      )
      return 'arn' in key ? key.arn : undefined
    }
    case 'AWS::Logs::LogGroup':
      return deployment.attribute(resource, 'Arn').replace(/:\*$/, '')
    default: {
      const ref = deployment.attribute(resource, 'Ref')
      return tryAttribute(deployment, resource, 'Arn') ?? (ref.startsWith('arn:') ? ref : undefined)
    }
  }
}

/** Resolves a value and finds where it came from: a Ref/GetAtt/ImportValue chain, else a resource it equals. */
export const targetOf = (
  deployment: SimulatedDeployment,
  stack: string,
  raw: unknown,
  where: string,
): Target => {
  const value = deployment.resolveString(stack, raw, where)
  const origin = deployment.originOf(stack, raw, where) ?? deployment.identifiedBy(value)[0]
  const arn = origin ? arnOfOrigin(deployment, origin) : value.startsWith('arn:') ? value : undefined
  return { arn, origin, value }
}

/** The key behind a KmsMasterKeyId-like value: a key id, key ARN, alias name or alias ARN. */
export const keyFromValue = (
  deployment: SimulatedDeployment,
  stack: string,
  raw: unknown,
  where: string,
): KeyRef => {
  const origin = deployment.originOf(stack, raw, where)
  const value = deployment.resolveString(stack, raw, where)
  const resource = (origin ?? deployment.identifiedBy(value)[0])?.resource
  if (resource?.type === 'AWS::KMS::Key') return { arn: deployment.attribute(resource, 'Arn') }
  if (resource?.type === 'AWS::KMS::Alias') {
    return keyFromValue(
      deployment,
      resource.stack,
      resource.properties.TargetKeyId,
      deployment.nameOf(resource),
    )
  }
  // An AWS managed key's policy lets every principal of the account use it through its service.
  if (/^(arn:[^:]+:kms:[^:]*:[^:]*:)?alias\/aws\//.test(value)) return { managed: value }
  if (/^arn:[^:]+:kms:[^:]+:[^:]+:key\//.test(value)) return { arn: value }
  const { partition, region, account } = deployment.env
  if (/^(mrk-[0-9a-f]{32}|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})$/.test(value)) {
    return { arn: `arn:${partition}:kms:${region}:${account}:key/${value}` }
  }
  return { unknown: value }
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}

/** The key that encrypts a queue, topic or table; undefined when it is not encrypted with KMS. */
export const encryptionKeyOf = (
  deployment: SimulatedDeployment,
  resource: ResourceRef,
): KeyRef | undefined => {
  const where = `${deployment.nameOf(resource)} encryption key`
  const p = resource.properties
  let raw: unknown
  if (resource.type === 'AWS::SQS::Queue' || resource.type === 'AWS::SNS::Topic') raw = p.KmsMasterKeyId
  else if (resource.type === 'AWS::DynamoDB::Table') {
    const sse = record(p.SSESpecification)
    if (sse.SSEEnabled === true || sse.SSEEnabled === 'true') {
      // SSE without a key id is the AWS managed key aws/dynamodb.
      raw = sse.KMSMasterKeyId ?? 'alias/aws/dynamodb'
    }
  } else if (resource.type === 'AWS::DynamoDB::GlobalTable' && record(p.SSESpecification).SSEType === 'KMS') {
    const replicas = Array.isArray(p.Replicas) ? p.Replicas.map(record) : []
    const here = replicas.find(
      (replica) => deployment.resolve(resource.stack, replica.Region, where) === deployment.env.region,
    )
    raw = record(here?.SSESpecification).KMSMasterKeyId
    if (raw === undefined) return { unknown: `no replica key for ${deployment.env.region}` }
  }
  return raw === undefined ? undefined : keyFromValue(deployment, resource.stack, raw, where)
}

const itemActions = new Set(
  [
    'GetItem',
    'BatchGetItem',
    'Query',
    'Scan',
    'PutItem',
    'UpdateItem',
    'DeleteItem',
    'BatchWriteItem',
    'ConditionCheckItem',
    'PartiQLSelect',
    'PartiQLInsert',
    'PartiQLUpdate',
    'PartiQLDelete',
    // Stream records carry item images, encrypted with the table's key.
    'GetRecords',
  ].map((action) => `dynamodb:${action}`.toLowerCase()),
)

/**
 * The KMS actions a call on an encrypted resource needs on its key. Only ReceiveMessage decrypts on the receive
 * side of a queue: DeleteMessage and ChangeMessageVisibility handle receipt handles, not bodies.
 */
export const kmsActionsFor = (resource: ResourceRef, action: string): string[] => {
  const lower = action.toLowerCase()
  if (resource.type === 'AWS::SQS::Queue') {
    if (lower === 'sqs:sendmessage') return ['kms:GenerateDataKey', 'kms:Decrypt']
    if (lower === 'sqs:receivemessage') return ['kms:Decrypt']
  }
  if (resource.type === 'AWS::SNS::Topic' && lower === 'sns:publish')
    return ['kms:GenerateDataKey', 'kms:Decrypt']
  // DynamoDB uses a table's customer managed key on the caller's behalf: Decrypt (the table key) and DescribeKey, as
  // its developer guide lists for principals reading or writing such a table.
  if (isTable(resource) && itemActions.has(lower)) return ['kms:Decrypt', 'kms:DescribeKey']
  return []
}
