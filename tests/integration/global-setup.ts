import type { TestProject } from 'vitest/node'
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string
  }
}

export default async function setup(project: TestProject) {
  const dynamodb = await startDynamoDbLocal()
  project.provide('dynamodbEndpoint', dynamodb.endpoint)
  return () => dynamodb.stop()
}
