// The KMS crypto adapter against a mocked KMS client: the requests it makes, and how it caches data keys.
import { randomBytes } from 'node:crypto'
import {
  DecryptCommand,
  type DecryptCommandInput,
  GenerateDataKeyCommand,
  type GenerateDataKeyCommandInput,
  IncorrectKeyException,
  InvalidCiphertextException,
  KMSClient,
  KMSServiceException,
} from '@aws-sdk/client-kms'
import { mockClient } from 'aws-sdk-client-mock'
import 'aws-sdk-client-mock-vitest/extend'
import { beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../shared/platform/clock.ts'
import {
  DATA_KEY_CONTEXT,
  KmsCrypto,
  type KmsCryptoOptions,
} from '../../shared/platform/crypto/kms-crypto.ts'
import { LocalCrypto } from '../../shared/platform/crypto/local-crypto.ts'
import { DecryptionError, type FieldContext } from '../../shared/platform/crypto/port.ts'
import { ConfigError } from '../../shared/platform/errors.ts'

const KEY_ID = 'alias/aftercare-fields'
const FIXED_CONTEXT = { app: 'aftercare', purpose: 'field-encryption' }
const wang: FieldContext = { entity: 'Officer', field: 'phone', id: 'wang' }

const client = new KMSClient({ region: 'ap-east-1' })
const kms = mockClient(client)

/**
 * A stand-in for KMS good enough to decrypt with: it remembers each data key under its (random, opaque) blob
 * and, like KMS, refuses a blob it did not make or one presented with another context or key.
 */
let issued: Map<string, { plaintext: Buffer; context: string; keyId: string | undefined }>

const fakeGenerateDataKey = async (input: GenerateDataKeyCommandInput) => {
  const plaintext = randomBytes(32)
  const blob = randomBytes(184)
  issued.set(blob.toString('base64'), {
    plaintext: Buffer.from(plaintext),
    context: JSON.stringify(input.EncryptionContext),
    keyId: input.KeyId,
  })
  // Fresh arrays per call, as the SDK deserialises them: the adapter zeroes the plaintext it is given.
  return {
    KeyId: 'arn:aws:kms:ap-east-1:123456789012:key/1234',
    Plaintext: plaintext,
    CiphertextBlob: blob,
  }
}

const fakeDecrypt = async (input: DecryptCommandInput) => {
  const key = input.CiphertextBlob && issued.get(Buffer.from(input.CiphertextBlob).toString('base64'))
  if (!key || key.context !== JSON.stringify(input.EncryptionContext)) {
    throw new InvalidCiphertextException({ message: 'InvalidCiphertextException', $metadata: {} })
  }
  if (key.keyId !== input.KeyId) throw new IncorrectKeyException({ message: 'IncorrectKey', $metadata: {} })
  return { KeyId: 'arn:aws:kms:ap-east-1:123456789012:key/1234', Plaintext: Buffer.from(key.plaintext) }
}

beforeEach(() => {
  kms.reset()
  issued = new Map()
  kms.on(GenerateDataKeyCommand).callsFake(fakeGenerateDataKey)
  kms.on(DecryptCommand).callsFake(fakeDecrypt)
})

const make = (options: Partial<KmsCryptoOptions> = {}) =>
  new KmsCrypto({ kms: client, keyId: KEY_ID, indexKey: Buffer.alloc(32, 7), ...options })

const wrappedKeyOf = (value: string) => value.split('.')[1] ?? ''

const decryptionError = async (promise: Promise<unknown>): Promise<DecryptionError> => {
  const error = await promise.then(
    () => {
      throw new Error('expected a DecryptionError')
    },
    (error: unknown) => error,
  )
  expect(error).toBeInstanceOf(DecryptionError)
  return error as DecryptionError
}

describe('the KMS requests', () => {
  it('asks for an AES-256 data key under the configured key, in the fixed encryption context', async () => {
    await make().encrypt('+8613800138000', wang)
    expect(kms).toHaveReceivedCommandExactlyOnceWith(GenerateDataKeyCommand, {
      KeyId: KEY_ID,
      KeySpec: 'AES_256',
      EncryptionContext: FIXED_CONTEXT,
    })
    // Exactly these fields: no NumberOfBytes beside KeySpec, and no record id or field in the KMS context
    // (CloudTrail logs it in clear).
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]?.args[0].input).toStrictEqual({
      KeyId: KEY_ID,
      KeySpec: 'AES_256',
      EncryptionContext: FIXED_CONTEXT,
    })
    expect(DATA_KEY_CONTEXT).toStrictEqual(FIXED_CONTEXT)
    expect(Object.isFrozen(DATA_KEY_CONTEXT)).toBe(true)
  })

  it('stores the wrapped data key KMS returned in the value itself', async () => {
    const value = await make().encrypt('+8613800138000', wang)
    expect(value).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/)
    expect(issued.size).toBe(1)
    expect(Buffer.from(wrappedKeyOf(value), 'base64url').toString('base64')).toBe([...issued.keys()][0])
  })

  it('unwraps in another process with the stored wrapped key, the fixed context and the pinned key id', async () => {
    const value = await make().encrypt('+8613800138000', wang)
    kms.resetHistory()
    expect(await make().decrypt(value, wang)).toBe('+8613800138000')
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 1)
    expect(kms).toHaveReceivedCommandWith(DecryptCommand, { KeyId: KEY_ID, EncryptionContext: FIXED_CONTEXT })
    const input = kms.commandCalls(DecryptCommand)[0]?.args[0].input
    expect(Object.keys(input ?? {}).sort()).toEqual(['CiphertextBlob', 'EncryptionContext', 'KeyId'])
    expect(Buffer.from(input?.CiphertextBlob ?? []).toString('base64url')).toBe(wrappedKeyOf(value))
    expect(kms).not.toHaveReceivedCommand(GenerateDataKeyCommand)
  })

  it('reads back what it wrote itself without a Decrypt call', async () => {
    const crypto = make()
    const value = await crypto.encrypt('+8613800138000', wang)
    expect(await crypto.decrypt(value, wang)).toBe('+8613800138000')
    expect(kms).not.toHaveReceivedCommand(DecryptCommand)
  })

  it('checks the context before spending a KMS call', async () => {
    const crypto = make()
    await expect(crypto.encrypt('x', { ...wang, id: '' })).rejects.toThrow(TypeError)
    await expect(
      crypto.decrypt('v1.AA.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA', { ...wang, entity: '' }),
    ).rejects.toThrow(TypeError)
    await expect(crypto.decrypt('not encrypted', wang)).rejects.toThrow(DecryptionError)
    expect(kms).not.toHaveReceivedAnyCommand()
  })
})

describe('values', () => {
  it('differ each time the same plaintext is encrypted, under one cached data key', async () => {
    const crypto = make()
    const a = await crypto.encrypt('+8613800138000', wang)
    const b = await crypto.encrypt('+8613800138000', wang)
    expect(a).not.toBe(b)
    expect(wrappedKeyOf(a)).toBe(wrappedKeyOf(b))
    expect(a.split('.')[2]).not.toBe(b.split('.')[2])
  })

  it('are bound to their context by the AAD, though the data key is shared', async () => {
    const crypto = make()
    const phone = await crypto.encrypt('+8613800138000', wang)
    await crypto.encrypt('110101199003074578', { ...wang, field: 'residentId' })
    for (const other of [
      { ...wang, id: 'li' },
      { ...wang, field: 'residentId' },
      { ...wang, entity: 'Petitioner' },
    ]) {
      expect((await decryptionError(make().decrypt(phone, other))).reason).toBe('authentication-failed')
      expect((await decryptionError(crypto.decrypt(phone, other))).reason).toBe('authentication-failed')
    }
  })

  it('reject an altered ciphertext or iv', async () => {
    const value = await make().encrypt('+8613800138000', wang)
    const [version, wrapped, iv = '', sealed = ''] = value.split('.')
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url')
      bytes[0] = (bytes[0] ?? 0) ^ 0x80
      return bytes.toString('base64url')
    }
    for (const tampered of [
      [version, wrapped, iv, flip(sealed)],
      [version, wrapped, flip(iv), sealed],
    ]) {
      expect((await decryptionError(make().decrypt(tampered.join('.'), wang))).reason).toBe(
        'authentication-failed',
      )
    }
  })

  it('reject a wrapped key that KMS refuses, keeping its error as the cause', async () => {
    const value = await make().encrypt('+8613800138000', wang)
    const [version, wrapped = '', iv, sealed] = value.split('.')
    const bytes = Buffer.from(wrapped, 'base64url')
    bytes[100] = (bytes[100] ?? 0) ^ 1
    const error = await decryptionError(
      make().decrypt([version, bytes.toString('base64url'), iv, sealed].join('.'), wang),
    )
    expect(error.reason).toBe('key-unwrap-failed')
    expect((error.cause as Error).name).toBe('InvalidCiphertextException')

    const underAnotherKey = await decryptionError(make({ keyId: 'alias/other' }).decrypt(value, wang))
    expect(underAnotherKey.reason).toBe('key-unwrap-failed')
    expect((underAnotherKey.cause as Error).name).toBe('IncorrectKeyException')
  })

  it('reject a value made by the local adapter', async () => {
    const local = await new LocalCrypto(randomBytes(32)).encrypt('+8613800138000', wang)
    expect((await decryptionError(make().decrypt(local, wang))).reason).toBe('key-unwrap-failed')
  })

  it('pass on what is not about the value (throttling, access denied) as KMS said it', async () => {
    const value = await make().encrypt('+8613800138000', wang)
    const throttled = new KMSServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: {},
      message: 'Rate exceeded',
    })
    // Once-behaviours replace the command's stub, so the fake is named again after them.
    kms.on(DecryptCommand).rejectsOnce(throttled).callsFake(fakeDecrypt)
    const crypto = make()
    await expect(crypto.decrypt(value, wang)).rejects.toBe(throttled)
    // Nothing was cached or left pending by the failure: the retry asks KMS again and succeeds.
    expect(await crypto.decrypt(value, wang)).toBe('+8613800138000')
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 2)
  })

  it('are not written when KMS gives no data key, and the next encryption asks again', async () => {
    kms
      .on(GenerateDataKeyCommand)
      .rejectsOnce(
        new KMSServiceException({
          name: 'KMSInvalidStateException',
          $fault: 'client',
          $metadata: {},
          message: 'disabled',
        }),
      )
      .callsFake(fakeGenerateDataKey)
    const crypto = make()
    await expect(crypto.encrypt('x', wang)).rejects.toThrow('disabled')
    expect(await crypto.decrypt(await crypto.encrypt('x', wang), wang)).toBe('x')
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 2)
  })

  it('refuse a data key that is not 256 bits', async () => {
    kms.on(GenerateDataKeyCommand).resolves({ CiphertextBlob: randomBytes(184), Plaintext: randomBytes(16) })
    await expect(make().encrypt('x', wang)).rejects.toThrow(/no 256-bit data key/)
  })
})

describe('data key caching', () => {
  it('uses one data key for at most dataKeyMaxUses values', async () => {
    const crypto = make({ dataKeyMaxUses: 3 })
    const values: string[] = []
    for (let i = 0; i < 7; i++) values.push(await crypto.encrypt(`+86138001380${i}0`, wang))
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 3)
    const keys = values.map(wrappedKeyOf)
    expect(keys.slice(0, 3).every((k) => k === keys[0])).toBe(true)
    expect(keys.slice(3, 6).every((k) => k === keys[3])).toBe(true)
    expect(new Set([keys[0], keys[3], keys[6]]).size).toBe(3)
    for (const [i, value] of values.entries())
      expect(await make().decrypt(value, wang)).toBe(`+86138001380${i}0`)
  })

  it('uses one data key for at most dataKeyMaxAgeMs', async () => {
    const clock = new ManualClock('2026-11-25T09:00:00Z')
    const crypto = make({ clock, dataKeyMaxAgeMs: 60_000 })
    const first = await crypto.encrypt('a', wang)
    clock.advance(59_999)
    const second = await crypto.encrypt('b', wang)
    clock.advance(1)
    const third = await crypto.encrypt('c', wang)
    expect(wrappedKeyOf(second)).toBe(wrappedKeyOf(first))
    expect(wrappedKeyOf(third)).not.toBe(wrappedKeyOf(first))
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 2)
  })

  it('defaults to 1000 values or 5 minutes per data key', async () => {
    const clock = new ManualClock('2026-11-25T09:00:00Z')
    const crypto = make({ clock })
    for (let i = 0; i < 1000; i++) await crypto.encrypt('x', wang)
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 1)
    await crypto.encrypt('x', wang)
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 2)
    clock.advance(5 * 60_000 - 1)
    await crypto.encrypt('x', wang)
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 2)
    clock.advance(1)
    await crypto.encrypt('x', wang)
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 3)
  })

  it('makes one data key for concurrent encryptions at a cold start, still within the use bound', async () => {
    const crypto = make({ dataKeyMaxUses: 5 })
    const values = await Promise.all(Array.from({ length: 12 }, (_, i) => crypto.encrypt(`v${i}`, wang)))
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 3)
    const uses = new Map<string, number>()
    for (const value of values) uses.set(wrappedKeyOf(value), (uses.get(wrappedKeyOf(value)) ?? 0) + 1)
    expect([...uses.values()].sort()).toEqual([2, 5, 5])
    const reader = make()
    expect(await Promise.all(values.map((v) => reader.decrypt(v, wang)))).toEqual(
      values.map((_, i) => `v${i}`),
    )

    const many = make()
    await Promise.all(Array.from({ length: 20 }, () => many.encrypt('x', wang)))
    expect(kms).toHaveReceivedCommandTimes(GenerateDataKeyCommand, 4)
  })

  it('refuses bounds that would make no sense', () => {
    expect(() => make({ dataKeyMaxUses: 0 })).toThrow(ConfigError)
    expect(() => make({ dataKeyMaxAgeMs: -1 })).toThrow(/dataKeyMaxAgeMs/)
    expect(() => make({ unwrappedKeyCacheSize: 1.5 })).toThrow(/unwrappedKeyCacheSize/)
    expect(() => make({ keyId: '' })).toThrow(ConfigError)
  })
})

describe('unwrapped key caching', () => {
  /** Values under `count` different data keys, written by another process. */
  const written = async (count: number) => {
    const writer = make({ dataKeyMaxUses: 1 })
    const values: string[] = []
    for (let i = 0; i < count; i++) values.push(await writer.encrypt(`value ${i}`, { ...wang, id: `o${i}` }))
    kms.resetHistory()
    return values
  }
  const read = (crypto: KmsCrypto, values: string[], i: number) =>
    crypto.decrypt(values[i] ?? '', { ...wang, id: `o${i}` })

  it('unwraps each data key once, also for concurrent reads of a page under one key', async () => {
    const writer = make()
    const page = await Promise.all(Array.from({ length: 10 }, (_, i) => writer.encrypt(`p${i}`, wang)))
    kms.resetHistory()
    const reader = make()
    expect(await Promise.all(page.map((v) => reader.decrypt(v, wang)))).toEqual(page.map((_, i) => `p${i}`))
    expect(await reader.decrypt(page[3] ?? '', wang)).toBe('p3')
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 1)
  })

  it('keeps at most unwrappedKeyCacheSize keys, the least recently used going first', async () => {
    const values = await written(3)
    const reader = make({ unwrappedKeyCacheSize: 2 })
    for (const i of [0, 1]) expect(await read(reader, values, i)).toBe(`value ${i}`)
    expect(await read(reader, values, 0)).toBe('value 0') // 0 is now the most recently used
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 2)
    expect(await read(reader, values, 2)).toBe('value 2') // evicts 1
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 3)
    expect(await read(reader, values, 0)).toBe('value 0')
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 3)
    expect(await read(reader, values, 1)).toBe('value 1')
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 4)
  })

  it('forgets an unwrapped key after dataKeyMaxAgeMs', async () => {
    const values = await written(1)
    const clock = new ManualClock('2026-11-25T09:00:00Z')
    const reader = make({ clock, dataKeyMaxAgeMs: 60_000 })
    await read(reader, values, 0)
    clock.advance(59_999)
    await read(reader, values, 0)
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 1)
    clock.advance(1)
    expect(await read(reader, values, 0)).toBe('value 0')
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 2)
  })

  it('still decrypts every concurrent read when the cache is smaller than the keys in flight', async () => {
    const values = await written(6)
    const reader = make({ unwrappedKeyCacheSize: 1 })
    const twice = [...values, ...values].map((_, n) => read(reader, values, n % 6))
    expect(await Promise.all(twice)).toEqual([...values, ...values].map((_, n) => `value ${n % 6}`))
  })
})

describe('blind indexes in AWS mode', () => {
  it('come from the index key alone: stable across instances, no KMS call', () => {
    const a = make({ indexKey: Buffer.alloc(32, 1) })
    const b = make({ indexKey: Buffer.alloc(32, 1) })
    expect(a.blindIndex('+8613800138000', 'officer-phone')).toBe(
      b.blindIndex('+8613800138000', 'officer-phone'),
    )
    expect(a.blindIndex('+8613800138000', 'officer-phone')).not.toBe(
      a.blindIndex('+8613800138001', 'officer-phone'),
    )
    expect(a.blindIndex('+8613800138000', 'officer-phone')).not.toBe(
      a.blindIndex('+8613800138000', 'unsubscribe'),
    )
    expect(make({ indexKey: Buffer.alloc(32, 2) }).blindIndex('+8613800138000', 'officer-phone')).not.toBe(
      a.blindIndex('+8613800138000', 'officer-phone'),
    )
    expect(make().blindIndex('+8613800138000', 'officer-phone')).toBe(
      'fVFe2A6YULaVVFxlBXK9ukvLTxKnH-vFGSVcq7KYsfw',
    )
    expect(kms).not.toHaveReceivedAnyCommand()
  })

  it('do not change when the caller reuses the index key buffer', () => {
    const indexKey = Buffer.alloc(32, 7)
    const crypto = make({ indexKey })
    indexKey.fill(0)
    expect(crypto.blindIndex('+8613800138000', 'officer-phone')).toBe(
      'fVFe2A6YULaVVFxlBXK9ukvLTxKnH-vFGSVcq7KYsfw',
    )
  })

  it('need an index key of at least 32 bytes', () => {
    expect(() => make({ indexKey: randomBytes(16) })).toThrow(ConfigError)
  })
})
