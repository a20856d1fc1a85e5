// What both crypto adapters share: the `v1` value format, AES-256-GCM with the field context as AAD, blind indexes.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { DecryptionError, type FieldContext } from './port.ts'

/**
 * `v1` means: AES-256-GCM, 96-bit random IV, 128-bit tag appended to the ciphertext, AAD as {@link fieldAad},
 * and a data key wrapped by the adapter's key provider (KMS, or the local master key). A new scheme gets a new
 * version, and old values keep decrypting by theirs.
 */
export const FORMAT_VERSION = 'v1'

export const DATA_KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16
const BASE64URL = /^[A-Za-z0-9_-]+$/

export interface Envelope {
  wrappedKey: Buffer
  iv: Buffer
  /** Ciphertext followed by the GCM tag. */
  sealed: Buffer
}

// A lone surrogate becomes U+FFFD in UTF-8, so it would come back as a different string; refuse it up front.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export const utf8 = (value: string, what: string): Buffer => {
  if (LONE_SURROGATE.test(value)) throw new TypeError(`${what} is not well-formed Unicode (a lone surrogate)`)
  return Buffer.from(value, 'utf8')
}

/** Canonical JSON of the context (sorted keys), behind the format version, so either change breaks the tag. */
export const fieldAad = (context: FieldContext): Buffer => {
  // Only the three named fields: a caller that passes a wider object must not make its AAD depend on extras.
  const picked: Record<string, unknown> = { entity: context.entity, field: context.field, id: context.id }
  for (const [name, value] of Object.entries(picked)) {
    if (typeof value !== 'string' || value === '') {
      throw new TypeError(`the field context needs a non-empty string ${name}`)
    }
  }
  const canonical = JSON.stringify(
    Object.fromEntries(Object.entries(picked).sort(([a], [b]) => (a < b ? -1 : 1))),
  )
  return utf8(`${FORMAT_VERSION}\n${canonical}`, 'the field context')
}

/** Throws what {@link sealField} would for this plaintext and context, without encrypting. */
export const checkField = (plaintext: string, context: FieldContext): void => {
  utf8(plaintext, 'the plaintext')
  fieldAad(context)
}

export const aesGcmSeal = (key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array) => {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(aad)
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
  return { iv, sealed }
}

/** The plaintext; throws (OpenSSL's error) when the tag does not verify. */
export const aesGcmOpen = (key: Uint8Array, iv: Uint8Array, sealed: Buffer, aad: Uint8Array): Buffer => {
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
  decipher.setAAD(aad)
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()])
}

/** Encrypts one field value under a data key; the result is the whole self-describing string. */
export const sealField = (
  dataKey: Uint8Array,
  wrappedKey: Uint8Array,
  plaintext: string,
  context: FieldContext,
): string => {
  const { iv, sealed } = aesGcmSeal(dataKey, utf8(plaintext, 'the plaintext'), fieldAad(context))
  return [FORMAT_VERSION, Buffer.from(wrappedKey), iv, sealed]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.')
}

export const openField = (dataKey: Uint8Array, envelope: Envelope, context: FieldContext): string => {
  const aad = fieldAad(context)
  try {
    return aesGcmOpen(dataKey, envelope.iv, envelope.sealed, aad).toString('utf8')
  } catch (error) {
    // The id is left out of the message: it may be personal, and messages end up in logs.
    throw new DecryptionError(
      'authentication-failed',
      `${context.entity}.${context.field} does not authenticate: the value was altered, or belongs to another record or field`,
      { cause: error },
    )
  }
}

const decodePart = (part: string, name: string): Buffer => {
  const bytes = Buffer.from(part, 'base64url')
  // Buffer's decoder skips what it does not understand; only a canonical encoding is accepted.
  if (!BASE64URL.test(part) || bytes.toString('base64url') !== part) {
    throw new DecryptionError('malformed', `the encrypted value's ${name} is not base64url`)
  }
  return bytes
}

export const parseEnvelope = (value: string): Envelope => {
  if (typeof value !== 'string') throw new DecryptionError('malformed', 'an encrypted value must be a string')
  const parts = value.split('.')
  const [version, wrapped, iv, sealed] = parts
  if (version !== FORMAT_VERSION) {
    throw /^v\d+$/.test(version ?? '')
      ? new DecryptionError('unsupported-version', `encrypted value version ${version} is not supported`)
      : new DecryptionError('malformed', `not an encrypted value (expected the ${FORMAT_VERSION}. prefix)`)
  }
  if (parts.length !== 4 || wrapped === undefined || iv === undefined || sealed === undefined) {
    throw new DecryptionError('malformed', `an encrypted ${FORMAT_VERSION} value has 4 dot-separated parts`)
  }
  const envelope = {
    wrappedKey: decodePart(wrapped, 'wrapped key'),
    iv: decodePart(iv, 'iv'),
    sealed: decodePart(sealed, 'ciphertext'),
  }
  if (envelope.iv.length !== IV_BYTES || envelope.sealed.length < TAG_BYTES) {
    throw new DecryptionError('malformed', 'the encrypted value is truncated')
  }
  return envelope
}

/**
 * Blind indexes: HMAC-SHA256 under a key derived per purpose (HKDF-SHA256 of the index root key, info
 * `aftercare/blind-index/v1/<purpose>`). A key per purpose, rather than the purpose mixed into the message,
 * separates the purposes with no question of how purpose and value are delimited.
 */
export class BlindIndexer {
  readonly #root: Buffer
  // Purposes are a handful of constants in code, so this map stays small.
  readonly #keys = new Map<string, Buffer>()

  constructor(rootKey: Uint8Array) {
    this.#root = Buffer.from(rootKey)
  }

  index(normalisedValue: string, purpose: string): string {
    if (purpose === '') throw new TypeError('a blind index needs a purpose')
    // An empty value would index every blank field alike: the caller should not index a missing value.
    if (normalisedValue === '') throw new TypeError('a blind index of an empty value')
    let key = this.#keys.get(purpose)
    if (!key) {
      key = deriveKey(this.#root, `aftercare/blind-index/v1/${purpose}`)
      this.#keys.set(purpose, key)
    }
    return createHmac('sha256', key).update(utf8(normalisedValue, 'the indexed value')).digest('base64url')
  }
}

/** HKDF-SHA256 without salt: the input is already a uniformly random key, so extraction needs none. */
export const deriveKey = (inputKey: Uint8Array, info: string): Buffer =>
  Buffer.from(hkdfSync('sha256', inputKey, Buffer.alloc(0), info, DATA_KEY_BYTES))
