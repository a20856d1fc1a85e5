// A function's role gets exactly what shared/resources.ts declares it uses: the same declaration builds its deps
// (shared/deps.ts), and the permission check (tests/permissions) holds every recorded call against the result.
import { Validations } from 'aws-cdk-lib'
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam'
import type { IConstruct } from 'constructs'
import type { FunctionUses } from '#shared/resources.ts'
import type { AftercareData } from '../stateful-stack.ts'

/** Item reads and writes, transactions included (they are authorised per action); no table management. */
const tableDataActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:DescribeTable',
]

/**
 * One key encrypts the table, its stream, the queues and the topics, and the crypto port's field envelopes:
 * reading any of them needs Decrypt, writing GenerateDataKey (DynamoDB also Encrypt and DescribeKey).
 */
const dataKeyActions = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']

/** The blind-index root key is an HMAC under the index key; nothing else is done with that key. */
const indexKeyActions = ['kms:GenerateMac']

export const grantDeclaredUses = (
  fn: IGrantable & IConstruct,
  uses: FunctionUses,
  data: AftercareData,
): void => {
  if (uses.table) {
    // The table's items and the declared indexes by name, rather than CDK's `index/*`.
    const indexArns = uses.table.indexes.map((index) => `${data.table.tableArn}/index/${index}`)
    Grant.addToPrincipal({
      grantee: fn,
      actions: tableDataActions,
      resourceArns: [data.table.tableArn, ...indexArns],
    })
  }
  // The table, the queues and the topics are encrypted with the data key: a function that touches any of them
  // needs it, as does one that seals personal data with it.
  if (uses.table || uses.sendsTo.length > 0 || uses.publishesTo.length > 0 || uses.personalData) {
    data.key.grant(fn, ...dataKeyActions)
  }
  // The blind-index key is derived at the cold start of a function that handles personal data (shared/deps.ts).
  if (uses.personalData) data.indexKey.grant(fn, ...indexKeyActions)
  for (const queue of uses.sendsTo) {
    Grant.addToPrincipal({
      grantee: fn,
      actions: ['sqs:SendMessage'],
      resourceArns: [data.queues[queue].queue.queueArn],
    })
  }
  for (const topic of uses.publishesTo) {
    Grant.addToPrincipal({
      grantee: fn,
      actions: ['sns:Publish'],
      resourceArns: [data.topics[topic].topicArn],
    })
  }
  if (uses.readsInboundSmsSecret) {
    // GetSecretValue alone (grantRead adds DescribeSecret); decrypting it is covered by the data key actions.
    Grant.addToPrincipal({
      grantee: fn,
      actions: ['secretsmanager:GetSecretValue'],
      resourceArns: [data.inboundSmsSecret.secretArn],
    })
  }
  if (uses.createsSignIns) {
    Grant.addToPrincipal({
      grantee: fn,
      actions: ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminGetUser'],
      resourceArns: [data.userPool.userPoolArn],
    })
  }
  if (uses.sendsSms) {
    Grant.addToPrincipal({ grantee: fn, actions: ['sns:Publish'], resourceArns: ['*'] })
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'SMS is sent with sns:Publish to a phone number, which has no ARN, so IAM cannot scope it to a resource. ' +
        'Publishing to topics is granted separately, per topic ARN.',
    })
  }
}
