// Nominations for the annual hardship screening, as other contexts make them: written with the change that saw the
// hardship, the reason encrypted (it describes the person's circumstances).
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut'
import type { Crypto } from '../platform/crypto/port.ts'
import type { Store } from '../platform/table/store.ts'

/** One nomination per visit that saw hardship. */
export const nominationIdOfVisit = (visitId: string) => `visit-${visitId}`

/** A visit's officer saw hardship: the petitioner is put forward for the screening of that year. */
export const visitNomination = async (
  store: Store,
  crypto: Crypto,
  nomination: {
    visitId: string
    petitionerId: string
    regionCode: string
    nominatedBy: string
    reason: string
    /** The business date of the outcome: its year is the screening's. */
    on: string
    at: Date
  },
) => {
  const nominationId = nominationIdOfVisit(nomination.visitId)
  return store.Nomination.build(PutTransaction).item({
    year: nomination.on.slice(0, 4),
    nominationId,
    petitionerId: nomination.petitionerId,
    regionCode: nomination.regionCode,
    source: 'visit',
    sourceId: nomination.visitId,
    nominatedBy: nomination.nominatedBy,
    reasonCipher: await crypto.encrypt(nomination.reason, {
      entity: 'Nomination',
      field: 'reason',
      id: nominationId,
    }),
    at: nomination.at.toISOString(),
  })
}
