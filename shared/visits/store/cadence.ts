// Cadence policies: a region's own, read by its key (the region's significant prefix), and every version saved.
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut'
import { QueryCommand } from 'dynamodb-toolbox/table/actions/query'
import type { Store } from '../../platform/table/store.ts'
import { CADENCE_HISTORY, cadencePartition } from '../entities.ts'

export const cadencePolicyOf = async (
  store: Store,
  key: { regionCode: string; trigger: string },
  options: { consistent?: boolean } = {},
) => (await store.CadencePolicy.build(GetItemCommand).key(key).options(options).send()).Item

export type SavedCadencePolicy = NonNullable<Awaited<ReturnType<typeof cadencePolicyOf>>>

/** Every version a region saved, of every trigger, oldest first. */
export const cadenceHistoryOf = async (store: Store, regionKey: string) => {
  const { Items = [] } = await store.table
    .build(QueryCommand)
    .entities(store.CadencePolicyVersion)
    .query({ partition: cadencePartition(regionKey), range: { beginsWith: CADENCE_HISTORY } })
    .options({ maxPages: Number.POSITIVE_INFINITY })
    .send()
  return Items
}

/**
 * A new version of a policy and its copy in the history. Refused if another was saved since `before` was read
 * (or, with none before, if one was saved meanwhile).
 */
export const cadencePolicySave = (
  store: Store,
  saved: SavedCadencePolicy,
  before: SavedCadencePolicy | undefined,
) => [
  store.CadencePolicy.build(PutTransaction)
    .item(saved)
    .options({
      condition: before ? { attr: 'version', eq: before.version } : { attr: 'version', exists: false },
    }),
  store.CadencePolicyVersion.build(PutTransaction).item({
    regionCode: saved.regionCode,
    trigger: saved.trigger,
    version: saved.version,
    policy: saved.policy,
    savedAt: saved.updatedAt,
    savedBy: saved.updatedBy,
  }),
]
