// The personal-data adapter: KMS envelope encryption and a KMS-derived blind-index key on AWS (the key fetched on
// the first invocation, not while the handler is built), the local master key in local mode.
import { KMSClient } from '@aws-sdk/client-kms'
import { KmsCrypto } from '../crypto/kms-crypto.ts'
import { deriveIndexKey } from '../crypto/kms-index-key.ts'
import { LocalCrypto } from '../crypto/local-crypto.ts'
import type { Crypto } from '../crypto/port.ts'
import type { Adapter } from '../deps.ts'
import { lazy } from './lazy.ts'

export const crypto: Adapter<Crypto & { ready?: () => Promise<void> }> = ({ config, region, recorded }) => {
  if (config.AFTERCARE_MODE === 'local') return new LocalCrypto(config.LOCAL_CRYPTO_KEY ?? '')
  const kms = lazy(() => recorded(new KMSClient({ region })))
  return new KmsCrypto({
    kms,
    keyId: config.KMS_KEY_ARN ?? '',
    indexKey: () => deriveIndexKey(kms, config.BLIND_INDEX_KEY_ARN ?? ''),
  })
}
