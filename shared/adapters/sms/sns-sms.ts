// The `sns` SMS provider: SNS Publish to a phone number, transactional. Not available in the China regions.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns'
import type { SmsMessage, SmsPort, SmsReceipt } from '../../ports/sms.ts'

export class SnsSms implements SmsPort {
  constructor(
    private readonly sns: SNSClient,
    private readonly senderId?: string,
  ) {}

  async send({ to, text }: SmsMessage): Promise<SmsReceipt> {
    // SNS has no idempotency key for SMS; the dispatcher's own record keeps sends to once.
    const result = await this.sns.send(
      new PublishCommand({
        PhoneNumber: to,
        Message: text,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          ...(this.senderId
            ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.senderId } }
            : {}),
        },
      }),
    )
    if (!result.MessageId) throw new Error('SNS accepted the SMS without a message id')
    return { providerMessageId: result.MessageId }
  }
}
