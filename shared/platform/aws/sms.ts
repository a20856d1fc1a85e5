// The SMS adapter: SNS straight to phone numbers (its own one-attempt client, made on first use), or the local
// provider that stores and prints what it "sends".

import { LocalSms } from '../../notifications/sms/local-sms.ts'
import type { SmsPort } from '../../notifications/sms/port.ts'
import { createSmsSnsClient, SnsSms } from '../../notifications/sms/sns-sms.ts'
import type { Adapter } from '../deps.ts'
import { lazy } from './lazy.ts'

export const sms: Adapter<SmsPort> = ({ config, region, credentials, recorded, store, clock, options }) =>
  config.SMS_PROVIDER === 'local'
    ? new LocalSms(store, clock, options.printSms)
    : // Not a shared client: the SMS adapter's makes one attempt, so that the dispatcher sees every failure.
      new SnsSms(
        lazy(() => recorded(createSmsSnsClient({ region, credentials, endpoint: config.SNS_ENDPOINT }))),
      )
