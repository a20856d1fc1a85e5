// Batches of SQS messages as the redrive sends them: at most ten, within the payload limit, with only the attribute
// fields SendMessage accepts.
import type { Message, MessageAttributeValue, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs'

/** SQS's classic batch payload limit; AWS now allows more, but fauxqs and older regions may not. */
const BATCH_BYTES = 262_144

export const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Only the fields SendMessage accepts; the list values of a received attribute are reserved and rejected. */
export const attributesToSend = (attributes: Message['MessageAttributes']) => {
  if (!attributes || Object.keys(attributes).length === 0) return undefined
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]): [string, MessageAttributeValue] => [
      name,
      {
        DataType: value.DataType,
        ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
      },
    ]),
  )
}

const sizeOf = (entry: SendMessageBatchRequestEntry) => {
  let bytes = Buffer.byteLength(entry.MessageBody ?? '')
  for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '')
    bytes += Buffer.byteLength(value.StringValue ?? '') + (value.BinaryValue?.byteLength ?? 0)
  }
  return bytes
}

/** Splits a batch so that no request exceeds the payload limit; a single large message goes alone. */
export const bySize = (entries: SendMessageBatchRequestEntry[]) => {
  const out: SendMessageBatchRequestEntry[][] = []
  let current: SendMessageBatchRequestEntry[] = []
  let bytes = 0
  for (const entry of entries) {
    const size = sizeOf(entry)
    if (current.length > 0 && bytes + size > BATCH_BYTES) {
      out.push(current)
      current = []
      bytes = 0
    }
    current.push(entry)
    bytes += size
  }
  if (current.length > 0) out.push(current)
  return out
}
