// The SMS port: one method, so that a mainland provider (with registered templates) is easy to add.

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

export interface SmsPort {
  send(message: SmsMessage): Promise<SmsReceipt>
  /**
   * Optional: whether the provider accepted a message with this key. Without it, a send interrupted after the
   * provider's acceptance cannot be told from one that never reached it: the notification is logged `unknown`.
   */
  lookup?(idempotencyKey: string): Promise<SmsLookup>
}
