// The field-encryption port: personal data is encrypted value by value, and found again through blind indexes.

/**
 * Where an encrypted value lives. It is bound to the ciphertext (as AES-GCM associated data), so a value
 * copied into another record or field no longer decrypts.
 */
export interface FieldContext {
  /** The entity type, e.g. `Officer`. */
  entity: string
  /** The attribute, e.g. `phone`. */
  field: string
  /** The item's id, e.g. `wang`. */
  id: string
}

export interface Crypto {
  /**
   * A self-describing string `v1.<wrapped data key>.<iv>.<ciphertext and tag>` (base64url parts): it carries
   * everything decryption needs except the key service. Encrypting the same value twice gives two strings.
   */
  encrypt(plaintext: string, context: FieldContext): Promise<string>
  /** The plaintext, or a {@link DecryptionError} when the value is malformed, altered or from another context. */
  decrypt(ciphertext: string, context: FieldContext): Promise<string>
  /**
   * A deterministic keyed hash (HMAC-SHA256, base64url) to look an item up by a value without decrypting it.
   * The caller normalises the value first (a phone number to E.164); each `purpose` gets its own index key, so
   * indexes made for different purposes cannot be joined.
   */
  blindIndex(normalisedValue: string, purpose: string): string
}

export type DecryptionFailure =
  /** Not a ciphertext of this scheme at all (truncated, not base64url, wrong number of parts). */
  | 'malformed'
  /** A later format version than this code knows. */
  | 'unsupported-version'
  /** The key service (or the local master key) refused the wrapped data key: another key, or altered. */
  | 'key-unwrap-failed'
  /** AES-GCM authentication failed: the value was altered, or belongs to another record or field. */
  | 'authentication-failed'

/** A value that cannot be decrypted. Never carries the plaintext or the key; `reason` says which check failed. */
export class DecryptionError extends Error {
  override name = 'DecryptionError'
  readonly reason: DecryptionFailure

  constructor(reason: DecryptionFailure, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.reason = reason
  }
}
