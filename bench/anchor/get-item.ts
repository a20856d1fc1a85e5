// The anchor of the import benchmark: the smallest useful Lambda handler on the same SDK, one DynamoDB GetItem.
// Bundled with the functions' options in the same run, it turns each function's import time into a ratio that a
// faster or busier machine does not change.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'

const client = new DynamoDBClient({})

export const handler = async (event: { id: string }) => {
  const { Item } = await client.send(
    new GetItemCommand({
      // Never invoked, only imported: a fixed name keeps the anchor from reading configuration.
      TableName: 'anchor',
      Key: { pk: { S: event.id }, sk: { S: event.id } },
    }),
  )
  return Item
}
