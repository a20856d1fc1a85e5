// Each function's deps as Lambda builds them (AWS mode), against mocked KMS, Secrets Manager and SNS: what a cold
// start calls, what each declared use calls, and that an undeclared use fails before any call. The calls are
// recorded for the permission check (tests/permissions), since these services have no local engine.
import { randomBytes } from 'node:crypto'
import { DecryptCommand, GenerateDataKeyCommand, GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms'
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns'
import { mockClient } from 'aws-sdk-client-mock'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { recordMockedCalls } from '../../shared/platform/aws/call-recorder.ts'
import { composeDeps, whenReady } from '../../shared/platform/compose-deps.ts'
import { loadConfig } from '../../shared/platform/config.ts'
import { createDeps } from '../../shared/platform/deps.ts'
import { UndeclaredUseError } from '../../shared/platform/messaging/port.ts'
import { type FunctionName, type FunctionUses, functions } from '../../shared/platform/resources.ts'
import { recordedCalls } from '../fixtures/aws-calls.ts'
import { awsEnvironment } from '../fixtures/aws-environment.ts'

const config = loadConfig(awsEnvironment)

const kms = mockClient(KMSClient)
const secrets = mockClient(SecretsManagerClient)
const sns = mockClient(SNSClient)

afterAll(() => {
  kms.restore()
  secrets.restore()
  sns.restore()
})

beforeEach(() => {
  for (const mock of [kms, secrets, sns]) mock.reset()
  kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array(32).fill(7) })
  // One data key, wrapped as a fixed blob: enough for a seal and an open.
  const plaintext = randomBytes(32)
  kms.on(GenerateDataKeyCommand).callsFake(async () => ({
    Plaintext: Uint8Array.from(plaintext),
    CiphertextBlob: Buffer.from('wrapped-data-key'),
  }))
  kms.on(DecryptCommand).callsFake(async () => ({ Plaintext: Uint8Array.from(plaintext) }))
  secrets.on(GetSecretValueCommand).resolves({ SecretString: 's'.repeat(40) })
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' })
})

const record = (fn: FunctionName) => {
  recordMockedCalls(kms.calls(), 'kms', fn, config, recordedCalls)
  recordMockedCalls(secrets.calls(), 'secretsmanager', fn, config, recordedCalls)
  recordMockedCalls(sns.calls(), 'sns', fn, config, recordedCalls)
}

const names = Object.keys(functions) as FunctionName[]
const uses = (fn: FunctionName): FunctionUses => functions[fn].uses

describe("each function's deps in AWS mode", () => {
  for (const fn of names) {
    it(`${fn}: its cold start and each declared use call what its declaration grants, nothing else`, async () => {
      const deps = await createDeps(config, { function: fn })
      const declared = uses(fn)
      // Building the deps calls nothing; the blind-index key is derived when the first invocation gets them ready,
      // and only where personal data is declared.
      expect(kms.calls(), 'KMS calls while the deps are built').toHaveLength(0)
      await whenReady(deps)
      expect(kms.commandCalls(GenerateMacCommand).length, 'GenerateMac when first ready').toBe(
        declared.personalData ? 1 : 0,
      )
      if (declared.personalData) {
        expect(kms.commandCalls(GenerateMacCommand)[0]?.args[0].input.KeyId).toBe(config.BLIND_INDEX_KEY_ARN)
        const context = { entity: 'Officer', field: 'phone', id: 'wang' }
        const sealed = await deps.crypto.encrypt('+8613800138000', context)
        expect(await deps.crypto.decrypt(sealed, context)).toBe('+8613800138000')
        expect(kms.commandCalls(GenerateDataKeyCommand)[0]?.args[0].input.KeyId).toBe(config.KMS_KEY_ARN)
      } else {
        expect(() => deps.crypto.blindIndex('+8613800138000', 'phone')).toThrow(UndeclaredUseError)
      }
      if (declared.sendsSms) {
        await deps.sms.send({ to: '+8613800138000', text: '回访提醒', idempotencyKey: 'n-1' })
        expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toMatchObject({
          PhoneNumber: '+8613800138000',
          Message: '回访提醒',
        })
      } else {
        // Refused on touching the port, before any call could be made.
        expect(() => deps.sms.send({ to: '+8613800138000', text: 'x', idempotencyKey: 'n' })).toThrow(
          `${fn} does not declare sending SMS`,
        )
      }
      if (declared.readsInboundSmsSecret) {
        expect(await deps.inboundSmsSecret()).toBe('s'.repeat(40))
        expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input.SecretId).toBe(
          config.INBOUND_SMS_SECRET_ARN,
        )
      } else {
        await expect(deps.inboundSmsSecret()).rejects.toThrow(UndeclaredUseError)
      }
      for (const queue of ['timers', 'notifications'] as const) {
        if (!(declared.sendsTo as readonly string[]).includes(queue)) {
          await expect(async () => deps.queues.send(queue, '{}')).rejects.toThrow(
            new RegExp(`^${fn} does not declare sending to (the ${queue} queue|any queue)`),
          )
        }
      }
      if (!declared.table) expect(() => deps.store.Visit).toThrow(`${fn} does not declare the table`)
      record(fn)
    })
  }

  it('builds no KMS client at all for the sweeper: its cold start pays for no crypto', async () => {
    await createDeps(config, { function: 'timer-sweeper' })
    expect(kms.calls()).toHaveLength(0)
  })

  it('fetches the blind-index key once for concurrent invocations, and again after a failure', async () => {
    kms
      .on(GenerateMacCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ Mac: new Uint8Array(32).fill(7) })
    const deps = await createDeps(config, { function: 'visits-api' })
    expect(() => deps.crypto.blindIndex('+8613800138000', 'phone')).toThrow('not fetched yet')
    await expect(whenReady(deps)).rejects.toThrow('throttled')
    await Promise.all([whenReady(deps), whenReady(deps), whenReady(deps)])
    expect(kms.commandCalls(GenerateMacCommand)).toHaveLength(2)
    expect(deps.crypto.blindIndex('+8613800138000', 'phone')).toMatch(/^[\w-]{43}$/)
    await whenReady(deps)
    expect(kms.commandCalls(GenerateMacCommand)).toHaveLength(2)
    record('visits-api')
  })

  it('refuses, while the deps are built, a declared use without its adapter', async () => {
    await expect(composeDeps(config, { function: 'timer-sweeper', adapters: {} })).rejects.toThrow(
      "timer-sweeper declares the table; sending to timers, notifications (shared/platform/resources.ts) but is built without the 'table', 'queues' adapters",
    )
  })
})
