// The blind-index root key on AWS: an HMAC computed by a KMS HMAC key over a fixed label. Every Lambda instance
// derives the same 32 bytes at cold start; the key material never leaves KMS and nothing is stored.
import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms'

export const INDEX_KEY_LABEL = 'aftercare/blind-index/root/v1'

export const deriveIndexKey = async (kms: KMSClient, hmacKeyId: string): Promise<Uint8Array> => {
  const { Mac } = await kms.send(
    new GenerateMacCommand({
      KeyId: hmacKeyId,
      MacAlgorithm: 'HMAC_SHA_256',
      Message: new TextEncoder().encode(INDEX_KEY_LABEL),
    }),
  )
  if (!Mac || Mac.length < 32)
    throw new Error(`KMS key ${hmacKeyId} returned no 32-byte MAC for the index key`)
  return Mac
}
