// The `local` SMS provider: stores each message (listed by GET /local/sms) and prints it; idempotent per key.
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import { PutItemCommand } from 'dynamodb-toolbox/entity/actions/put'
import { QueryCommand } from 'dynamodb-toolbox/table/actions/query'
import type { Clock } from '../../platform/clock.ts'
import type { Store } from '../../platform/table/store.ts'
import type { SmsLookup, SmsMessage, SmsPort, SmsReceipt } from './port.ts'

export interface LocalSmsRecord {
  messageId: string
  phone: string
  text: string
  sentAt: string
}

export class LocalSms implements SmsPort {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly print: (sms: LocalSmsRecord) => void = () => {},
  ) {}

  async send({ to, text, idempotencyKey }: SmsMessage): Promise<SmsReceipt> {
    const messageId = `local-${idempotencyKey}`
    const record = { messageId, idempotencyKey, phone: to, text, sentAt: this.clock.now().toISOString() }
    try {
      await this.store.LocalSms.build(PutItemCommand)
        .item(record)
        .options({ condition: { attr: 'messageId', exists: false } })
        .send()
      this.print(record)
    } catch (error) {
      // The same key twice is the same message: the provider accepts it again without sending it again.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error
    }
    return { providerMessageId: messageId }
  }

  async lookup(idempotencyKey: string): Promise<SmsLookup> {
    const record = await this.get(`local-${idempotencyKey}`)
    return record ? { found: true, providerMessageId: record.messageId } : { found: false }
  }

  async list(): Promise<LocalSmsRecord[]> {
    const { Items = [] } = await this.store.table
      .build(QueryCommand)
      .entities(this.store.LocalSms)
      .query({ index: 'gsi1', partition: 'LOCALSMS' })
      .options({ maxPages: Number.POSITIVE_INFINITY })
      .send()
    return Items.map(({ messageId, phone, text, sentAt }) => ({ messageId, phone, text, sentAt }))
  }

  async get(messageId: string): Promise<LocalSmsRecord | undefined> {
    const { Item } = await this.store.LocalSms.build(GetItemCommand).key({ messageId }).send()
    return Item
  }
}
