// Opting out of SMS: the reply keywords, and whose opt-out stops which recipient's messages.

/**
 * The documented replies that opt a number out (README, the templates' own "回复TD退订" and "Reply STOP"), compared
 * after trimming spaces and punctuation, in any case and any width (ＴＤ, ｓｔｏｐ). Not 取消 ("cancel"), a natural
 * reply to an appointment SMS, nor a bare T.
 */
export const OPT_OUT_KEYWORDS = ['退订', 'TD', 'STOP'] as const
export const optOutKeyword = (text: string): string | undefined => {
  const word = text
    .normalize('NFKC')
    .replace(/[\s\p{P}\p{S}]/gu, '')
    .toUpperCase()
  return OPT_OUT_KEYWORDS.find((k) => k === word)
}

export interface OptOutRecord {
  optedOut: boolean
  source: 'sms' | 'admin'
}

/**
 * Whether the number's opt-out stops this recipient's SMS. A petitioner's reply opts their number out; an officer's
 * operational reminders are stopped only by an administrator's decision (POST /admin/opt-outs), never by an SMS
 * reply from the officer's phone.
 */
export const optOutStops = (
  optOut: OptOutRecord | undefined,
  recipientType: 'officer' | 'petitioner',
): boolean => {
  if (optOut?.optedOut !== true) return false
  return recipientType === 'petitioner' || optOut.source === 'admin'
}

/** A number an administrator opted out stays so, recorded as the administrator's decision, whatever it replies. */
export const heldByAdministrator = (optOut: OptOutRecord | undefined): boolean =>
  optOut?.optedOut === true && optOut.source === 'admin'
