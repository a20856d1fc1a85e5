// What callers (supervisors and administrators of the notification's region) see of a notification: to whom, the
// number masked, the text sent, what became of it and its delivery log. Not its ciphertext, blind index or index
// keys, nor the dispatcher's bookkeeping: the parameters the text was made from (the text says it), the attempt
// count (the log tells each attempt), the topic message's id. docs/decisions/draft-api-views.md lists each field.

export interface NotificationSeen {
  notificationId: string
  recipientType: 'officer' | 'petitioner'
  recipientId: string
  regionCode: string
  phoneMasked: string
  locale: string
  template: string
  text: string
  status: 'queued' | 'deferred' | 'sending' | 'retrying' | 'sent' | 'suppressed' | 'failed' | 'unknown'
  urgent: boolean
  createdAt: string
  sentAt?: string
  providerMessageId?: string
  topic?: 'published' | 'failed'
  log: { at: string; status: string; detail?: string }[]
}

export const notificationAnswer = (n: NotificationSeen) => ({
  notificationId: n.notificationId,
  recipientType: n.recipientType,
  recipientId: n.recipientId,
  regionCode: n.regionCode,
  phone: n.phoneMasked,
  locale: n.locale,
  template: n.template,
  text: n.text,
  status: n.status,
  urgent: n.urgent,
  createdAt: n.createdAt,
  sentAt: n.sentAt,
  providerMessageId: n.providerMessageId,
  topic: n.topic,
  log: n.log.map(({ at, status, detail }) => ({ at, status, detail })),
})

/** Where a notification stands in a list of them: by when it was made, then its id. */
export const notificationListKey = (n: { createdAt: string; notificationId: string }) =>
  `${n.createdAt}#${n.notificationId}`

/** A template text as saved: not its version (the count its saves are checked against). */
export const savedTemplateAnswer = <T, L>(saved: {
  template: T
  locale: L
  text: string
  updatedAt: string
  updatedBy: string
  length: { encoding: 'GSM-7' | 'UCS-2'; characters: number; parts: number }
}) => ({
  template: saved.template,
  locale: saved.locale,
  text: saved.text,
  updatedAt: saved.updatedAt,
  updatedBy: saved.updatedBy,
  length: saved.length,
})
