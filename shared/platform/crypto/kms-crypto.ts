// Field encryption in AWS mode: envelope encryption under KMS data keys, cached per process within bounds.
import {
  DecryptCommand,
  type DecryptCommandOutput,
  GenerateDataKeyCommand,
  type KMSClient,
} from '@aws-sdk/client-kms'
import { type Clock, systemClock } from '../clock.ts'
import { ConfigError } from '../errors.ts'
import {
  BlindIndexer,
  checkField,
  DATA_KEY_BYTES,
  type Envelope,
  fieldAad,
  openField,
  parseEnvelope,
  sealField,
} from './envelope.ts'
import { type Crypto, DecryptionError, type FieldContext } from './port.ts'

/**
 * The KMS encryption context of every data key. It is fixed, not the field's context, because one cached data
 * key encrypts many values: the per-value binding is the AES-GCM AAD under the data key instead. Fixed also
 * keeps record ids out of CloudTrail (which logs the context in clear), and lets an IAM policy require
 * `kms:EncryptionContext:purpose = field-encryption`. Never change it: values already stored need it to decrypt.
 */
export const DATA_KEY_CONTEXT: Readonly<Record<string, string>> = Object.freeze({
  app: 'aftercare',
  purpose: 'field-encryption',
})

/** KMS's answers meaning "this wrapped key is not one of ours, or was altered"; anything else is not the data's fault. */
const REFUSED_CIPHERTEXT = new Set(['InvalidCiphertextException', 'IncorrectKeyException'])

export interface KmsCryptoOptions {
  kms: KMSClient
  /** The KMS key (id, ARN, alias name or alias ARN) that makes data keys and alone may unwrap them. */
  keyId: string
  /**
   * The blind-index root key, at least 32 random bytes, the same in every Lambda instance and never the
   * data keys (those change); or how to fetch it (e.g. derived by a KMS HMAC key, kms-index-key.ts), called by
   * the first `ready()` rather than at construction, so that building a handler makes no AWS call. Changing it
   * changes every index: stored indexes would have to be rebuilt.
   */
  indexKey: Uint8Array | (() => Promise<Uint8Array>)
  /**
   * How long one data key encrypts new values. With the use bound, this limits how much data one key leaked
   * from memory exposes, and how long a revoked KMS permission still lets this process encrypt or decrypt.
   * @default 300_000 (5 minutes)
   */
  dataKeyMaxAgeMs?: number
  /**
   * How many values one data key encrypts before a new one is generated (the AWS Encryption SDK's caching
   * CMM calls it `maxMessagesEncrypted`).
   * @default 1000
   */
  dataKeyMaxUses?: number
  /**
   * How many unwrapped data keys are kept for decryption (least recently used first out, each also at most
   * `dataKeyMaxAgeMs` old). A page of records written by the same process shares a few data keys.
   * @default 100
   */
  unwrappedKeyCacheSize?: number
  /** @default systemClock */
  clock?: Clock
}

interface DataKey {
  plaintext: Buffer
  wrapped: Buffer
  createdAt: number
  uses: number
}

interface CachedKey {
  plaintext: Buffer
  createdAt: number
}

interface Unwrapping {
  key: Promise<Buffer>
  waiters: number
}

const indexer = (key: Uint8Array): BlindIndexer => {
  if (key.length < 32) throw new ConfigError('the blind-index key must have at least 32 bytes')
  return new BlindIndexer(key)
}

const positiveInteger = (value: number, name: string): number => {
  if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(`${name} must be a positive integer`)
  return value
}

/**
 * Costs one GenerateDataKey per `dataKeyMaxUses` values or `dataKeyMaxAgeMs`, whichever comes first, and one
 * Decrypt per data key not in the cache; concurrent requests for the same key share one KMS call. Plaintext
 * keys are zeroed when retired or evicted. IAM: `kms:GenerateDataKey` and `kms:Decrypt` on `keyId`.
 * Rotation: KMS automatic rotation keeps `keyId`; moving to another KMS key needs old values re-encrypted,
 * because Decrypt is pinned to `keyId`.
 */
export class KmsCrypto implements Crypto {
  readonly #kms: KMSClient
  readonly #keyId: string
  #index: BlindIndexer | undefined
  readonly #fetchIndexKey: (() => Promise<Uint8Array>) | undefined
  #fetchingIndexKey: Promise<void> | undefined
  readonly #maxAgeMs: number
  readonly #maxUses: number
  readonly #cacheSize: number
  readonly #clock: Clock
  #current: DataKey | undefined
  #generating: Promise<DataKey> | undefined
  // Map order is insertion order: a hit is moved to the end, so the first entry is the least recently used.
  readonly #unwrapped = new Map<string, CachedKey>()
  readonly #unwrapping = new Map<string, Unwrapping>()

  constructor(options: KmsCryptoOptions) {
    if (!options.keyId) throw new ConfigError('KmsCrypto needs the KMS keyId')
    this.#kms = options.kms
    this.#keyId = options.keyId
    if (typeof options.indexKey === 'function') this.#fetchIndexKey = options.indexKey
    else this.#index = indexer(options.indexKey)
    this.#maxAgeMs = positiveInteger(options.dataKeyMaxAgeMs ?? 300_000, 'dataKeyMaxAgeMs')
    this.#maxUses = positiveInteger(options.dataKeyMaxUses ?? 1000, 'dataKeyMaxUses')
    this.#cacheSize = positiveInteger(options.unwrappedKeyCacheSize ?? 100, 'unwrappedKeyCacheSize')
    this.#clock = options.clock ?? systemClock
  }

  /**
   * Resolves once blind indexes can be computed: the first call fetches the index key (concurrent callers share
   * the fetch), a failed fetch is tried again by the next call. lambdaHandler awaits it before each invocation;
   * `encrypt` too, since a sealed value is stored with its index.
   */
  ready(): Promise<void> {
    if (this.#index || !this.#fetchIndexKey) return Promise.resolve()
    this.#fetchingIndexKey ??= this.#fetchIndexKey().then(
      (key) => {
        this.#index ??= indexer(key)
      },
      (error: unknown) => {
        this.#fetchingIndexKey = undefined
        throw error
      },
    )
    return this.#fetchingIndexKey
  }

  async encrypt(plaintext: string, context: FieldContext): Promise<string> {
    // A bad context or plaintext fails here, before it costs a KMS call.
    checkField(plaintext, context)
    if (!this.#index) await this.ready()
    let justMade: DataKey | undefined
    for (;;) {
      const key = this.#current
      // A key fresh from KMS is used even if the clock says it is already old, so a tiny maximum age cannot
      // loop; the use count is checked again because concurrent callers waited for the same key.
      if (key && key.uses < this.#maxUses && (key === justMade || this.#age(key) < this.#maxAgeMs)) {
        key.uses++
        // Synchronous from the check on: the key cannot be retired (and zeroed) while it is in use.
        return sealField(key.plaintext, key.wrapped, plaintext, context)
      }
      this.#generating ??= this.#generateDataKey().finally(() => {
        this.#generating = undefined
      })
      justMade = await this.#generating
    }
  }

  async decrypt(ciphertext: string, context: FieldContext): Promise<string> {
    const envelope = parseEnvelope(ciphertext)
    // A bad context fails before it costs a KMS call.
    fieldAad(context)
    const id = envelope.wrappedKey.toString('base64url')
    const cached = this.#cachedKey(id)
    if (cached) return openField(cached, envelope, context)
    return this.#decryptUnwrapping(id, envelope, context)
  }

  blindIndex(normalisedValue: string, purpose: string): string {
    if (!this.#index) {
      throw new Error(
        'the blind-index key is not fetched yet: await ready() first (lambdaHandler does, per invocation)',
      )
    }
    return this.#index.index(normalisedValue, purpose)
  }

  #age(key: { createdAt: number }): number {
    return this.#clock.now().getTime() - key.createdAt
  }

  async #generateDataKey(): Promise<DataKey> {
    const output = await this.#kms.send(
      new GenerateDataKeyCommand({
        KeyId: this.#keyId,
        KeySpec: 'AES_256',
        EncryptionContext: { ...DATA_KEY_CONTEXT },
      }),
    )
    if (output.Plaintext?.length !== DATA_KEY_BYTES || !output.CiphertextBlob?.length) {
      throw new Error('KMS GenerateDataKey returned no 256-bit data key')
    }
    const key = {
      plaintext: Buffer.from(output.Plaintext),
      wrapped: Buffer.from(output.CiphertextBlob),
      createdAt: this.#clock.now().getTime(),
      uses: 0,
    }
    output.Plaintext.fill(0)
    this.#current?.plaintext.fill(0)
    this.#current = key
    // Values written by this process are often read back by it: no Decrypt call for those.
    this.#remember(key.wrapped.toString('base64url'), Buffer.from(key.plaintext))
    return key
  }

  #cachedKey(id: string): Buffer | undefined {
    const entry = this.#unwrapped.get(id)
    if (!entry) return undefined
    this.#unwrapped.delete(id)
    if (this.#age(entry) >= this.#maxAgeMs) {
      entry.plaintext.fill(0)
      return undefined
    }
    this.#unwrapped.set(id, entry)
    return entry.plaintext
  }

  #remember(id: string, plaintext: Buffer): void {
    this.#unwrapped.get(id)?.plaintext.fill(0)
    this.#unwrapped.delete(id)
    this.#unwrapped.set(id, { plaintext, createdAt: this.#clock.now().getTime() })
    for (const [oldest, entry] of this.#unwrapped) {
      if (this.#unwrapped.size <= this.#cacheSize) break
      entry.plaintext.fill(0)
      this.#unwrapped.delete(oldest)
    }
  }

  /**
   * Concurrent decryptions under one uncached data key (a page of records) share one KMS Decrypt. The shared
   * plaintext is the waiters' own, not the cache's (which may evict and zero its copy while they wait); the
   * last waiter zeroes it. No one joins after it resolves: the entry is gone by then, and the cache answers.
   */
  async #decryptUnwrapping(id: string, envelope: Envelope, context: FieldContext): Promise<string> {
    let unwrapping = this.#unwrapping.get(id)
    if (!unwrapping) {
      unwrapping = {
        key: this.#unwrap(id, envelope.wrappedKey).finally(() => this.#unwrapping.delete(id)),
        waiters: 0,
      }
      this.#unwrapping.set(id, unwrapping)
    }
    unwrapping.waiters++
    let key: Buffer | undefined
    try {
      key = await unwrapping.key
      return openField(key, envelope, context)
    } finally {
      unwrapping.waiters--
      if (unwrapping.waiters === 0) key?.fill(0)
    }
  }

  async #unwrap(id: string, wrappedKey: Buffer): Promise<Buffer> {
    const command = new DecryptCommand({
      CiphertextBlob: wrappedKey,
      EncryptionContext: { ...DATA_KEY_CONTEXT },
      KeyId: this.#keyId,
    })
    let output: DecryptCommandOutput
    try {
      output = await this.#kms.send(command)
    } catch (error) {
      // Throttling, access denied or a disabled key are the service's problem, not the value's: passed on as is.
      if (!REFUSED_CIPHERTEXT.has((error as Error).name)) throw error
      throw new DecryptionError(
        'key-unwrap-failed',
        'KMS refused the wrapped data key: made under another key or context, or altered',
        { cause: error },
      )
    }
    if (output.Plaintext?.length !== DATA_KEY_BYTES)
      throw new Error('KMS Decrypt returned no 256-bit data key')
    const plaintext = Buffer.from(output.Plaintext)
    output.Plaintext.fill(0)
    this.#remember(id, Buffer.from(plaintext))
    return plaintext
  }
}
