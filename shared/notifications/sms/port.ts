// The SMS port: one method (and an optional lookup), so that a mainland provider (with registered templates) is
// easy to add. An adapter says what kind of failure it met by throwing an SmsError.

export interface SmsMessage {
  /** E.164, e.g. +8613812341234. */
  to: string
  text: string
  /** The notification id: a provider that supports idempotency keys deduplicates on it. */
  idempotencyKey: string
}

export interface SmsReceipt {
  providerMessageId: string
}

/** What a provider knows of a message sent with an idempotency key. */
export type SmsLookup = { found: true; providerMessageId: string } | { found: false }

/**
 * - `throttled`: the provider refused for rate or quota; it did not take the message. Retried with back-off, no cap.
 * - `transient`: the provider answered with an error of its own (5xx); it did not take the message. Retried likewise.
 * - `permanent`: the provider refused this message (a bad number, a template not registered): retrying cannot help.
 * - `uncertain`: no answer (a timeout, a dropped connection) or an answer that does not say: the provider may have
 *   taken it. Treated as an interrupted send: asked with `lookup`, or logged `unknown`; never resent blindly.
 */
export type SmsErrorKind = 'throttled' | 'transient' | 'permanent' | 'uncertain'

export class SmsError extends Error {
  override name = 'SmsError'
  constructor(
    message: string,
    readonly kind: SmsErrorKind,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** An error an adapter did not classify is taken as transient: it is retried, and its reason is logged each time. */
export const smsErrorKind = (error: unknown): SmsErrorKind =>
  error instanceof SmsError ? error.kind : 'transient'

export interface SmsPort {
  /** Throws an SmsError saying whether the provider took the message, may have, or refused it and why. */
  send(message: SmsMessage): Promise<SmsReceipt>
  /**
   * Optional: whether the provider accepted a message with this key. Without it, a send interrupted after the
   * provider was called cannot be told from one that never reached it: the notification is logged `unknown`.
   */
  lookup?(idempotencyKey: string): Promise<SmsLookup>
}
