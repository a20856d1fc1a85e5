// The inbound SMS secret adapter: Secrets Manager on AWS (read on first use, once), the configured value locally.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import type { Adapter } from '../deps.ts'
import { lazy } from './lazy.ts'
import { secretValue } from './secret-value.ts'

export const inboundSmsSecret: Adapter<() => Promise<string>> = ({ config, region, recorded }) =>
  config.AFTERCARE_MODE === 'local'
    ? async () => config.INBOUND_SMS_SECRET ?? ''
    : secretValue(
        lazy(() => recorded(new SecretsManagerClient({ region }))),
        config.INBOUND_SMS_SECRET_ARN ?? '',
      )
