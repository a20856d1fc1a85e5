// The single table as dynamodb-toolbox sees it, and the parts its entities share.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { string } from 'dynamodb-toolbox/schema/string'
import { Table } from 'dynamodb-toolbox/table'
import { tableDesign } from './table-design.ts'

export const aftercareTable = (documentClient: DynamoDBDocumentClient, tableName: string) =>
  new Table({
    documentClient,
    name: tableName,
    partitionKey: tableDesign.partitionKey,
    sortKey: tableDesign.sortKey,
    indexes: tableDesign.indexes,
    entityAttributeSavedAs: tableDesign.entityAttribute,
  })
export type AftercareTable = ReturnType<typeof aftercareTable>

export const timestamps = false

/** A phone number at rest: encrypted (Crypto port), found by its blind index, shown masked. */
export const sealedPhone = {
  phoneCipher: string(),
  phoneIndex: string(),
  phoneMasked: string(),
}
