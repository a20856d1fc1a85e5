// The local crypto adapter, the v1 value format and blind indexes.
import { createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LocalCrypto, localKeyFromFile } from '../../shared/platform/crypto/local-crypto.ts'
import { DecryptionError, type FieldContext } from '../../shared/platform/crypto/port.ts'
import { ConfigError } from '../../shared/platform/errors.ts'

const MASTER_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'
const wang: FieldContext = { entity: 'Officer', field: 'phone', id: 'wang' }
const crypto = new LocalCrypto(MASTER_HEX)

const contexts = fc.record({
  entity: fc.string({ minLength: 1, maxLength: 20 }),
  field: fc.string({ minLength: 1, maxLength: 20 }),
  id: fc.string({ minLength: 1, maxLength: 40 }),
})

/** Resolves to the error a promise rejects with; fails the test if it resolves. */
const rejection = async (promise: Promise<unknown>): Promise<DecryptionError> => {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${String(value)}`)
    },
    (error: unknown) => error,
  )
  expect(error).toBeInstanceOf(DecryptionError)
  expect((error as Error).name).toBe('DecryptionError')
  return error as DecryptionError
}

describe('local field encryption', () => {
  it('round-trips any Unicode text in any context', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 200 }),
        contexts,
        async (plaintext, context) => {
          expect(await crypto.decrypt(await crypto.encrypt(plaintext, context), context)).toBe(plaintext)
        },
      ),
    )
    // A hundred runs take about 2 s alone; beside the integration project on 2 cores, more than vitest's 5 s.
  }, 30_000)

  it('writes v1.<wrapped key>.<iv>.<ciphertext and tag> in base64url, with no plaintext in it', async () => {
    const value = await crypto.encrypt('+8613800138000', wang)
    expect(value).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/)
    const [, wrapped = '', iv = '', sealed = ''] = value.split('.')
    expect(Buffer.from(wrapped, 'base64url')).toHaveLength(12 + 32 + 16)
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12)
    expect(Buffer.from(sealed, 'base64url')).toHaveLength('+8613800138000'.length + 16)
    expect(value).not.toContain('8613800138000')
  })

  it('gives a different ciphertext each time the same value is encrypted', async () => {
    const values = await Promise.all(Array.from({ length: 20 }, () => crypto.encrypt('+8613800138000', wang)))
    expect(new Set(values).size).toBe(20)
    expect(new Set(values.map((v) => v.split('.')[2])).size).toBe(20)
    for (const value of values) expect(await crypto.decrypt(value, wang)).toBe('+8613800138000')
  })

  it('keeps decrypting a value written by an earlier version of this code', async () => {
    const stored =
      'v1.ecxgkwI6R2zknOKsdiKK_FLdZBQviCdIkZm_I4zCUsgg3hhGaEhsvcid21bYP_SuY4NAwa9ySzKs8gLU.Iys6rSxWIOnGzWs0.DRs2o1uwFKChhJ6mcaZOpbASM68aV4JAu5zWaag2'
    expect(await crypto.decrypt(stored, wang)).toBe('+8613800138000')
  })

  it('refuses a value in another record, field or entity', async () => {
    const value = await crypto.encrypt('+8613800138000', wang)
    for (const other of [
      { ...wang, id: 'li' },
      { ...wang, field: 'residentId' },
      { ...wang, entity: 'Petitioner' },
      { entity: 'Officer', field: 'phonew', id: 'ang' },
    ]) {
      const error = await rejection(crypto.decrypt(value, other))
      expect(error.reason).toBe('authentication-failed')
      expect(error.message).not.toContain('8613800138000')
    }
  })

  it('refuses any context but the one it was encrypted in', async () => {
    await fc.assert(
      fc.asyncProperty(contexts, contexts, fc.string(), async (a, b, plaintext) => {
        fc.pre(a.entity !== b.entity || a.field !== b.field || a.id !== b.id)
        const error = await rejection(crypto.decrypt(await crypto.encrypt(plaintext, a), b))
        expect(error.reason).toBe('authentication-failed')
      }),
      { numRuns: 50 },
    )
  })

  it('ignores properties beyond entity, field and id, so a wider object gives the same AAD', async () => {
    const officer = { entity: 'Officer', field: 'phone', id: 'wang', region: 'east', name: '王' }
    expect(await crypto.decrypt(await crypto.encrypt('x', officer), wang)).toBe('x')
  })

  it('detects any single changed character', async () => {
    const value = await crypto.encrypt('+8613800138000', wang)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: value.length - 1 }),
        fc.constantFrom(...alphabet),
        async (position, replacement) => {
          fc.pre(value[position] !== replacement)
          const tampered = value.slice(0, position) + replacement + value.slice(position + 1)
          await rejection(crypto.decrypt(tampered, wang))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('names which check failed', async () => {
    const value = await crypto.encrypt('+8613800138000', wang)
    const [, wrapped = '', iv = '', sealed = ''] = value.split('.')
    const flip = (part: string, at: number) => {
      const bytes = Buffer.from(part, 'base64url')
      bytes[at] = (bytes[at] ?? 0) ^ 1
      return bytes.toString('base64url')
    }
    const cases: Array<[string, DecryptionError['reason']]> = [
      ['', 'malformed'],
      ['+8613800138000', 'malformed'],
      [`v1.${wrapped}.${iv}`, 'malformed'],
      [`${value}.extra`, 'malformed'],
      [`v1.${wrapped}.${iv}.${sealed}=`, 'malformed'],
      [`v1.${wrapped}.${iv.slice(0, 8)}.${sealed}`, 'malformed'],
      [`v1.${wrapped}.${iv}.${sealed.slice(0, 10)}`, 'malformed'],
      [`v2.${wrapped}.${iv}.${sealed}`, 'unsupported-version'],
      [`v1.${flip(wrapped, 20)}.${iv}.${sealed}`, 'key-unwrap-failed'],
      [`v1.${wrapped}.${flip(iv, 0)}.${sealed}`, 'authentication-failed'],
      [`v1.${wrapped}.${iv}.${flip(sealed, 0)}`, 'authentication-failed'],
      [
        `v1.${wrapped}.${iv}.${flip(sealed, Buffer.from(sealed, 'base64url').length - 1)}`,
        'authentication-failed',
      ],
    ]
    for (const [input, reason] of cases) {
      expect({ input, reason: (await rejection(crypto.decrypt(input, wang))).reason }).toEqual({
        input,
        reason,
      })
    }
  })

  it('cannot decrypt under another master key', async () => {
    const value = await crypto.encrypt('+8613800138000', wang)
    const error = await rejection(new LocalCrypto(randomBytes(32)).decrypt(value, wang))
    expect(error.reason).toBe('key-unwrap-failed')
    expect(error.cause).toBeInstanceOf(Error)
  })

  it('takes the master key as hex, base64, base64url or bytes, all the same key', async () => {
    const bytes = Buffer.from(MASTER_HEX, 'hex')
    const value = await crypto.encrypt('+8613800138000', wang)
    for (const key of [
      MASTER_HEX.toUpperCase(),
      bytes.toString('base64'),
      bytes.toString('base64url'),
      `${MASTER_HEX}\n`,
      bytes,
    ]) {
      expect(await new LocalCrypto(key).decrypt(value, wang)).toBe('+8613800138000')
    }
  })

  it('refuses a master key that is not 32 bytes', () => {
    for (const key of [
      '',
      'secret',
      MASTER_HEX.slice(2),
      `${MASTER_HEX}00`,
      randomBytes(16).toString('base64'),
    ]) {
      expect(() => new LocalCrypto(key)).toThrow(ConfigError)
    }
    expect(() => new LocalCrypto(randomBytes(31))).toThrow(/32 bytes/)
  })

  it('refuses an incomplete context or text UTF-8 cannot carry, instead of storing something else', async () => {
    await expect(crypto.encrypt('x', { ...wang, id: '' })).rejects.toThrow(/non-empty string id/)
    await expect(crypto.encrypt('x', { ...wang, field: undefined as unknown as string })).rejects.toThrow(
      TypeError,
    )
    await expect(crypto.encrypt('a\uD800b', wang)).rejects.toThrow(/lone surrogate/)
    expect(await crypto.decrypt(await crypto.encrypt('😀', wang), wang)).toBe('😀')
  })
})

describe('blind indexes', () => {
  it('gives equal values equal indexes, also in another process with the same key', () => {
    const again = new LocalCrypto(MASTER_HEX)
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1 }),
        fc.string({ minLength: 1 }),
        (value, purpose) => {
          expect(again.blindIndex(value, purpose)).toBe(crypto.blindIndex(value, purpose))
        },
      ),
    )
  })

  it('gives different values different indexes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 2, maxLength: 50 }), (values) => {
        expect(new Set(values.map((v) => crypto.blindIndex(v, 'officer-phone'))).size).toBe(values.length)
      }),
    )
  })

  it('separates purposes: the same value under two purposes gives unrelated indexes', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        (v, p, q) => {
          fc.pre(p !== q)
          expect(crypto.blindIndex(v, p)).not.toBe(crypto.blindIndex(v, q))
        },
      ),
    )
    // A delimiter in the purpose cannot move bytes between purpose and value.
    expect(crypto.blindIndex('b/c', 'a')).not.toBe(crypto.blindIndex('c', 'a/b'))
  })

  it('depends on the master key', () => {
    expect(new LocalCrypto(randomBytes(32)).blindIndex('+8613800138000', 'officer-phone')).not.toBe(
      crypto.blindIndex('+8613800138000', 'officer-phone'),
    )
  })

  it('is HMAC-SHA256 under HKDF-derived keys, pinned so stored indexes stay findable', () => {
    const hkdf = (key: Uint8Array, info: string) =>
      Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32))
    const root = hkdf(Buffer.from(MASTER_HEX, 'hex'), 'aftercare/local/blind-index/v1')
    const expected = createHmac('sha256', hkdf(root, 'aftercare/blind-index/v1/officer-phone'))
      .update('+8613800138000')
      .digest('base64url')
    expect(crypto.blindIndex('+8613800138000', 'officer-phone')).toBe(expected)
    expect(expected).toBe('nNU4f8p_iOr8o9nXXwOsM9Zifpd1L2XLiSaIRdxsEUw')
    // Not an HMAC under the master key itself: the index key is its own.
    expect(expected).not.toBe(
      createHmac('sha256', Buffer.from(MASTER_HEX, 'hex')).update('+8613800138000').digest('base64url'),
    )
  })

  it('refuses an empty value or purpose', () => {
    expect(() => crypto.blindIndex('', 'officer-phone')).toThrow(TypeError)
    expect(() => crypto.blindIndex('+8613800138000', '')).toThrow(/purpose/)
  })
})

describe('the local key file', () => {
  it('is made once, mode 0600, and read back on the next start', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aftercare-crypto-')), 'nested', 'crypto-key')
    const key = localKeyFromFile(file)
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toBe(key)
    expect(localKeyFromFile(file)).toBe(key)
    const value = await new LocalCrypto(key).encrypt('+8613800138000', wang)
    expect(await new LocalCrypto(localKeyFromFile(file)).decrypt(value, wang)).toBe('+8613800138000')
  })

  it('keeps a key that is already there', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aftercare-crypto-')), 'crypto-key')
    writeFileSync(file, `${MASTER_HEX}\n`)
    expect(localKeyFromFile(file)).toBe(MASTER_HEX)
    expect(readFileSync(file, 'utf8')).toBe(`${MASTER_HEX}\n`)
  })
})
