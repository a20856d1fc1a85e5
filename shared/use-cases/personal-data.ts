// Phone numbers at rest: encrypted field by field, with a blind index to find them and a mask to show them.

import { maskPhone } from '../masking.ts'
import type { Crypto } from '../ports/crypto.ts'

export const PHONE_INDEX = 'phone'

export interface SealedPhone {
  phoneCipher: string
  phoneIndex: string
  phoneMasked: string
}

/** `phone` must already be E.164, so that equal numbers give equal indexes. */
export const sealPhone = async (
  crypto: Crypto,
  entity: string,
  id: string,
  phone: string,
): Promise<SealedPhone> => ({
  phoneCipher: await crypto.encrypt(phone, { entity, field: 'phone', id }),
  phoneIndex: crypto.blindIndex(phone, PHONE_INDEX),
  phoneMasked: maskPhone(phone),
})

export const openPhone = (
  crypto: Crypto,
  entity: string,
  id: string,
  sealed: Pick<SealedPhone, 'phoneCipher'>,
) => crypto.decrypt(sealed.phoneCipher, { entity, field: 'phone', id })

/** What an audit entry keeps of a record with a phone: everything but the ciphertext. */
export const withoutCipher = <T extends { phoneCipher?: string }>(record: T | undefined) => {
  if (!record) return undefined
  const { phoneCipher: _, ...rest } = record
  return rest
}
