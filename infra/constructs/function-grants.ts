// A function's role gets exactly what shared/platform/resources.ts declares it uses: the same declaration builds its deps
// (shared/platform/deps.ts), and the permission check (tests/permissions) holds every recorded call against the result.
import { Validations } from 'aws-cdk-lib'
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam'
import type { IConstruct } from 'constructs'
import type { FunctionUses } from '#shared/platform/resources.ts'
import type { AftercareData } from '../stateful-stack.ts'

/**
 * What the code does with the table's items (transactions are authorised per item action). No Scan of the table,
 * no DescribeTable, no table management: none is called.
 */
const itemActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
]

/**
 * The data key encrypts the table (and its stream), the queues, the topics and the crypto port's field envelopes.
 * DynamoDB uses it on the caller's behalf with Decrypt and DescribeKey; sending to an encrypted queue or topic, and
 * sealing a field, take GenerateDataKey, and opening one Decrypt. Nobody calls Encrypt.
 */
const tableKeyActions = ['kms:Decrypt', 'kms:DescribeKey']
const envelopeKeyActions = ['kms:GenerateDataKey', 'kms:Decrypt']

/** The blind-index root key is an HMAC under the index key; nothing else is done with that key. */
const indexKeyActions = ['kms:GenerateMac']

export const grantDeclaredUses = (
  fn: IGrantable & IConstruct,
  uses: FunctionUses,
  data: AftercareData,
): void => {
  const indexArn = (index: string) => `${data.table.tableArn}/index/${index}`
  if (uses.table) {
    Grant.addToPrincipal({ grantee: fn, actions: itemActions, resourceArns: [data.table.tableArn] })
    // The declared indexes by name, rather than CDK's `index/*`: queried, and scanned only where declared.
    if (uses.table.indexes.length > 0) {
      Grant.addToPrincipal({
        grantee: fn,
        actions: ['dynamodb:Query'],
        resourceArns: uses.table.indexes.map(indexArn),
      })
    }
    if (uses.table.scans?.length) {
      Grant.addToPrincipal({
        grantee: fn,
        actions: ['dynamodb:Scan'],
        resourceArns: uses.table.scans.map(indexArn),
      })
    }
  }
  const keyActions = new Set<string>()
  if (uses.table) for (const action of tableKeyActions) keyActions.add(action)
  if (uses.sendsTo.length > 0 || uses.publishesTo.length > 0 || uses.personalData) {
    for (const action of envelopeKeyActions) keyActions.add(action)
  }
  if (keyActions.size > 0) data.key.grant(fn, ...keyActions)
  // The blind-index key is derived at the cold start of a function that handles personal data (shared/platform/deps.ts).
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
