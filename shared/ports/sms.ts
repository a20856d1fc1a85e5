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

export interface SmsPort {
  send(message: SmsMessage): Promise<SmsReceipt>
}
