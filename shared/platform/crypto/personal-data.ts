// Phone numbers at rest: encrypted field by field, with a blind index to find them and a mask to show them.

import { maskPhone } from '../masking.ts'
import type { Crypto } from './port.ts'

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

/** What an audit entry keeps of a record with a phone: the mask, neither the ciphertext nor the blind index. */
export const withoutCipher = <T extends { phoneCipher?: string; phoneIndex?: string }>(
  record: T | undefined,
) => {
  if (!record) return undefined
  const { phoneCipher: _c, phoneIndex: _i, ...rest } = record
  return rest
}

/** The parts of a visit's outcome that describe the person: free notes and the hardship seen. */
export interface OutcomePrivate {
  notes?: string
  hardship?: { observed: true; reason: string }
}

/**
 * Splits an outcome into what may be read and counted (kept as it is, with `hardshipObserved`) and its private
 * text, encrypted and bound to the visit.
 */
export const sealOutcome = async <T extends OutcomePrivate>(
  crypto: Crypto,
  visitId: string,
  outcome: T,
  /** `outcome` for the visit's outcome; `unreached-<n>` for the n-th attempt that did not reach the petitioner. */
  field = 'outcome',
) => {
  const { notes, hardship, ...open } = outcome
  const hidden: OutcomePrivate = { notes, hardship }
  return {
    outcome: { ...open, hardshipObserved: hardship?.observed === true },
    outcomeCipher:
      notes === undefined && hardship === undefined
        ? undefined
        : await crypto.encrypt(JSON.stringify(hidden), { entity: 'Visit', field, id: visitId }),
  }
}

/** The notes and hardship of the n-th attempt that did not reach the petitioner. */
export const openAttempt = async (crypto: Crypto, visitId: string, n: number, privateCipher: string) =>
  JSON.parse(
    await crypto.decrypt(privateCipher, { entity: 'Visit', field: `unreached-${n}`, id: visitId }),
  ) as OutcomePrivate

/** The outcome as the officer recorded it. */
export const openOutcome = async (
  crypto: Crypto,
  visit: { visitId: string; outcome?: unknown; outcomeCipher?: string },
) => {
  if (!visit.outcome) return undefined
  const { hardshipObserved: _, ...open } = visit.outcome as Record<string, unknown> & {
    hardshipObserved?: boolean
  }
  if (!visit.outcomeCipher) return open
  const hidden = JSON.parse(
    await crypto.decrypt(visit.outcomeCipher, { entity: 'Visit', field: 'outcome', id: visit.visitId }),
  ) as OutcomePrivate
  return { ...open, ...hidden }
}
