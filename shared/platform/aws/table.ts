// The table adapter: the DynamoDB client (made on first use) and the store of every context's entities on it.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Adapter, AppDeps } from '../deps.ts'
import { createStore } from '../table/store.ts'
import { lazy } from './lazy.ts'

export const table: Adapter<Pick<AppDeps, 'dynamodb' | 'store'>> = ({
  config,
  region,
  credentials,
  recorded,
}) => {
  const dynamodb = lazy(() =>
    recorded(new DynamoDBClient({ region, credentials, endpoint: config.DYNAMODB_ENDPOINT })),
  )
  const documentClient = lazy(() =>
    DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
  )
  return { dynamodb, store: createStore(documentClient, config.TABLE_NAME) }
}
