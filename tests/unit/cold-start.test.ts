// Each function's handler as Lambda builds it at cold start (AWS mode, AWS_LAMBDA_FUNCTION_NAME set), from its own
// entry with the adapters it hands over: building it calls no AWS service; what the deps must fetch (the
// blind-index key) is fetched by the first invocation.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms'
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { SNSClient } from '@aws-sdk/client-sns'
import { SQSClient } from '@aws-sdk/client-sqs'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Context } from 'aws-lambda'
import { mockClient } from 'aws-sdk-client-mock'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type FunctionName, type FunctionUses, functions } from '../../shared/platform/resources.ts'
import { awsEnvironment } from '../fixtures/aws-environment.ts'

const env = awsEnvironment

/** Every client a function could build, each call recorded (and answered by nothing). */
const kms = mockClient(KMSClient)
const mocks = [
  kms,
  mockClient(DynamoDBClient),
  mockClient(DynamoDBDocumentClient),
  mockClient(SQSClient),
  mockClient(SNSClient),
  mockClient(SecretsManagerClient),
  mockClient(CognitoIdentityProviderClient),
]
const callsSoFar = () => mocks.flatMap((mock) => mock.calls().map((call) => call.args[0].constructor.name))

beforeAll(() => {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value)
  kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array(32).fill(7) })
})
afterAll(() => {
  vi.unstubAllEnvs()
  for (const mock of mocks) mock.restore()
})

/** Lets the init promise that lambdaHandler started at import settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50))

describe('a cold start on Lambda', { timeout: 60_000 }, () => {
  for (const fn of Object.keys(functions) as FunctionName[]) {
    it(`${fn}: its handler is built without an AWS call; the first invocation fetches what the deps need`, async () => {
      for (const mock of mocks) mock.resetHistory()
      vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', `Aftercare-${fn}`)
      const entry = new URL(`../../${functions[fn].entry}`, import.meta.url).href
      const module = (await import(/* @vite-ignore */ entry)) as {
        handler: (event: unknown, context: Context) => Promise<unknown>
      }
      await settle()
      expect(callsSoFar(), 'AWS calls while the handler was built').toEqual([])
      // An event that asks nothing of any handler (no records; for a router, a path no route has, answered 404
      // without an error): what matters is what the invocation fetched before the handler ran.
      const nothing = {
        Records: [],
        version: '2.0',
        routeKey: '$default',
        rawPath: '/nowhere',
        headers: {},
        requestContext: { http: { method: 'GET', path: '/nowhere' } },
      }
      await module.handler(nothing, {} as Context).catch(() => undefined)
      expect(kms.commandCalls(GenerateMacCommand).length, 'GenerateMac on the first invocation').toBe(
        (functions[fn].uses as FunctionUses).personalData ? 1 : 0,
      )
    })
  }
})
