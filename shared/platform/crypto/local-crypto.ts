// Field encryption in local mode: the KMS envelope scheme, with a local 32-byte master key in the place of KMS.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { ConfigError } from '../errors.ts'
import {
  aesGcmOpen,
  aesGcmSeal,
  BlindIndexer,
  DATA_KEY_BYTES,
  deriveKey,
  openField,
  parseEnvelope,
  sealField,
} from './envelope.ts'
import { type Crypto, DecryptionError, type FieldContext } from './port.ts'

// Wrapped data keys are bound to their purpose too, so no other AES-GCM blob under the same key unwraps as one.
const WRAP_AAD = Buffer.from('aftercare/local/data-key/v1')

const parseMasterKey = (key: string | Uint8Array): Buffer => {
  if (typeof key !== 'string') {
    if (key.length === DATA_KEY_BYTES) return Buffer.from(key)
  } else {
    const text = key.trim()
    if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex')
    if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
      const bytes = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64')
      if (bytes.length === DATA_KEY_BYTES) return bytes
    }
  }
  throw new ConfigError('the local crypto master key must be 32 bytes, as 64 hex digits or base64')
}

/**
 * Each value gets its own random data key, wrapped by a key-encryption key derived from the master key, so the
 * stored format is exactly the AWS one (`v1.<wrapped key>.<iv>.<ciphertext>`) and the same parser serves both.
 * The blind-index key is derived from the same master key under a different HKDF label: it is never the
 * encryption key, and nothing else has to be kept.
 */
export class LocalCrypto implements Crypto {
  readonly #keyEncryptionKey: Buffer
  readonly #index: BlindIndexer

  /** @param masterKey 32 bytes: 64 hex digits, base64 or base64url; see {@link localKeyFromFile}. */
  constructor(masterKey: string | Uint8Array) {
    const master = parseMasterKey(masterKey)
    this.#keyEncryptionKey = deriveKey(master, 'aftercare/local/key-wrap/v1')
    this.#index = new BlindIndexer(deriveKey(master, 'aftercare/local/blind-index/v1'))
    master.fill(0)
  }

  async encrypt(plaintext: string, context: FieldContext): Promise<string> {
    const dataKey = randomBytes(DATA_KEY_BYTES)
    try {
      const { iv, sealed } = aesGcmSeal(this.#keyEncryptionKey, dataKey, WRAP_AAD)
      return sealField(dataKey, Buffer.concat([iv, sealed]), plaintext, context)
    } finally {
      dataKey.fill(0)
    }
  }

  async decrypt(ciphertext: string, context: FieldContext): Promise<string> {
    const envelope = parseEnvelope(ciphertext)
    let dataKey: Buffer
    try {
      const { wrappedKey } = envelope
      dataKey = aesGcmOpen(
        this.#keyEncryptionKey,
        wrappedKey.subarray(0, 12),
        wrappedKey.subarray(12),
        WRAP_AAD,
      )
    } catch (error) {
      throw new DecryptionError(
        'key-unwrap-failed',
        'the data key does not unwrap under the local master key: another installation, or altered',
        { cause: error },
      )
    }
    try {
      return openField(dataKey, envelope, context)
    } finally {
      dataKey.fill(0)
    }
  }

  blindIndex(normalisedValue: string, purpose: string): string {
    return this.#index.index(normalisedValue, purpose)
  }
}

/**
 * The master key of a persistent local installation (64 hex digits), made on first use with mode 0600.
 * Losing or replacing it makes every stored value unreadable, so a file that appears meanwhile (another
 * process starting at the same moment) is read, never overwritten.
 */
export const localKeyFromFile = (file: string): string => {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dirname(file), { recursive: true })
  const key = randomBytes(DATA_KEY_BYTES).toString('hex')
  try {
    writeFileSync(file, key, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return readFileSync(file, 'utf8').trim()
  }
  return key
}
