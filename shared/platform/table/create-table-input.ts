// CreateTable input built from the table design: local mode creates exactly this; an infra test compares it with CDK.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb'
import { tableDesign } from './table-design.ts'

const S = 'S' as const

export const createTableInput = (tableName: string): CreateTableCommandInput => {
  const indexes = Object.entries(tableDesign.indexes)
  const attributes = new Set<string>([tableDesign.partitionKey.name, tableDesign.sortKey.name])
  for (const [, index] of indexes) {
    attributes.add(index.partitionKey.name)
    attributes.add(index.sortKey.name)
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: S })),
    KeySchema: [
      { AttributeName: tableDesign.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: tableDesign.sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map(([IndexName, index]) => ({
      IndexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: tableDesign.stream },
  }
}
