// A person's decision on a notification logged `unknown`: it was sent after all, or it is sent again, knowingly.
import { type LogEntry, RESEND_DETAIL } from './delivery.ts'

/** One delivery per resend decision, named by its time: a repeated request for the same decision runs once. */
export const resendDelivery = (decidedAt: string): string => `resend-${decidedAt}`

/**
 * A resend already decided, whose message may not have reached the queue (the send after the decision failed): the
 * notification is still `queued` and its last log entry is that decision. The decision's time, or undefined.
 */
export const pendingResend = (n: { status: string; log: readonly LogEntry[] }): string | undefined => {
  const last = n.log.at(-1)
  return n.status === 'queued' && last?.status === 'queued' && last.detail?.startsWith(RESEND_DETAIL)
    ? last.at
    : undefined
}

export interface Resolution {
  resolution: 'sent' | 'resend'
  providerMessageId?: string | undefined
  note?: string | undefined
}

/** What the decision changes, and the log's detail of it. */
export const resolutionChange = (
  n: { log: readonly LogEntry[] },
  input: Resolution,
  actorId: string,
  now: Date,
) => {
  const by = `by ${actorId}${input.note ? `: ${input.note}` : ''}`
  // Sent when the provider was called: the last `sending` of the log.
  const calledAt = n.log.findLast((e) => e.status === 'sending')?.at ?? now.toISOString()
  const changes =
    input.resolution === 'sent'
      ? {
          status: 'sent' as const,
          sentAt: calledAt,
          ...(input.providerMessageId ? { providerMessageId: input.providerMessageId } : {}),
        }
      : { status: 'queued' as const }
  const detail =
    input.resolution === 'sent'
      ? `${input.providerMessageId ?? 'no provider message id'} (unknown resolved as sent ${by})`
      : `${RESEND_DETAIL} ${by}`
  return { changes, detail }
}
