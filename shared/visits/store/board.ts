// What a region's board reads, by month and not by the whole province's history: the visits due in the month, those
// open now (whatever their month, for those overdue now) and those completed in the month, the flags raised in it,
// and the names of the staff it lists. Each month's items sit in a few shards (table-design), read in parallel: whole
// for what the board counts, a page at a time for the flags it lists.

import { BatchGetRequest } from 'dynamodb-toolbox/entity/actions/batchGet'
import { BatchGetCommand, execute as executeBatchGet } from 'dynamodb-toolbox/table/actions/batchGet'
import { QueryCommand } from 'dynamodb-toolbox/table/actions/query'
import { significantPrefix } from '../../access/rules/region-scope.ts'
import {
  idOfBoardSortKey,
  queryUpTo,
  readShardPage,
  readShards,
  regionBoardPartitions,
  type ShardMark,
  shardMarksKey,
} from '../../platform/table/board-index.ts'
import type { Store } from '../../platform/table/store.ts'
import type { Visit } from './visits.ts'

/** The visits of a region in one board index partition, every page of them. */
const visitsIn = async (store: Store, index: 'gsi4' | 'gsi6', partition: string, regionCode: string) => {
  const { Items = [] } = await store.table
    .build(QueryCommand)
    .entities(store.Visit)
    .query({ index, partition, range: { beginsWith: significantPrefix(regionCode) } })
    .options({ maxPages: Number.POSITIVE_INFINITY })
    .send()
  return Items
}

/** The visits of a region (and the regions under it) due in a month (`YYYY-MM`), in any state. */
export const visitsDueInMonth = (store: Store, regionCode: string, month: string) =>
  readShards(regionBoardPartitions('VISITS', regionCode, month), (p) =>
    visitsIn(store, 'gsi4', p, regionCode),
  )

/** The open visits of a region, whatever their month: those overdue now are among them. */
export const openVisitsOfRegion = (store: Store, regionCode: string) =>
  readShards(regionBoardPartitions('OPEN', regionCode), (p) => visitsIn(store, 'gsi6', p, regionCode))

/** The visits of a region completed in a month. */
export const visitsCompletedInMonth = (store: Store, regionCode: string, month: string) =>
  readShards(regionBoardPartitions('DONE', regionCode, month), (p) => visitsIn(store, 'gsi6', p, regionCode))

/**
 * The visits a month's board counts: due in it, completed in it, or open now; each once, in the order of the region
 * index (region code, due time, id).
 */
export const visitsOfBoardMonth = async (store: Store, regionCode: string, month: string) => {
  const found = await Promise.all([
    visitsDueInMonth(store, regionCode, month),
    visitsCompletedInMonth(store, regionCode, month),
    openVisitsOfRegion(store, regionCode),
  ])
  const byId = new Map<string, Visit>()
  for (const v of found.flat()) byId.set(v.visitId, v)
  const place = (v: Visit) => `${v.regionCode.padEnd(12, '0')}#${v.dueAt}#${v.visitId}`
  return [...byId.values()].sort((a, b) => (place(a) < place(b) ? -1 : place(a) > place(b) ? 1 : 0))
}

/** A flag's place in the board index: its 12-digit region code, the instant it was raised, its id. */
const placeOfFlag = (f: { regionCode: string; raisedAt: string; flagId: string }) =>
  `${f.regionCode.padEnd(12, '0')}#${f.raisedAt}#${f.flagId}`

/** The next `limit` flags (at most) of a region in one shard of a month, after the sort key `after` (all without). */
const flagsOfShard = async (
  store: Store,
  partition: string,
  regionCode: string,
  page?: { after: string | undefined; limit: number },
) => {
  const query = store.table
    .build(QueryCommand)
    .entities(store.Flag)
    .query({ index: 'gsi4', partition, range: { beginsWith: significantPrefix(regionCode) } })
  if (!page) {
    const { Items = [] } = await query.options({ maxPages: Number.POSITIVE_INFINITY }).send()
    return { items: Items, more: false }
  }
  const startKey = page.after
    ? { pk: `FLAG#${idOfBoardSortKey(page.after)}`, sk: 'FLAG', gsi4pk: partition, gsi4sk: page.after }
    : undefined
  return queryUpTo((options) => query.options(options).send(), page.limit, startKey)
}

/** The flags of a region raised in a month, in the order of the region index (region code, raised at, id). */
export const flagsRaisedInMonth = async (store: Store, regionCode: string, month: string) => {
  const flags = await readShards(regionBoardPartitions('FLAGS', regionCode, month), async (partition) => {
    const { items } = await flagsOfShard(store, partition, regionCode)
    return items
  })
  return flags.sort((a, b) =>
    placeOfFlag(a) < placeOfFlag(b) ? -1 : placeOfFlag(a) > placeOfFlag(b) ? 1 : 0,
  )
}

/** What a cursor of a region's flags may hold: where each shard of the month stands, inside the region's range. */
export const flagsResumeKey = (regionCode: string) => shardMarksKey(significantPrefix(regionCode))

/**
 * One page of the flags of a region raised in a month: at most `limit`, read from each shard from where `marks` left
 * it, in the order of the region index (region code, raised at, id). Answers the marks to resume from while more
 * remain.
 */
export const flagsPageOfMonth = async (
  store: Store,
  regionCode: string,
  month: string,
  page: { limit: number; marks?: readonly ShardMark[] },
) => {
  const { items, marks } = await readShardPage(
    regionBoardPartitions('FLAGS', regionCode, month),
    page.marks,
    page.limit,
    (partition, after, limit) => flagsOfShard(store, partition, regionCode, { after, limit }),
    placeOfFlag,
  )
  return { flags: items, marks }
}

/** The names of officers and units, by `officer:<id>` and `unit:<id>`; those not found are left out. */
export const staffNames = async (store: Store, officerIds: readonly string[], unitIds: readonly string[]) => {
  const names = new Map<string, string>()
  for (let i = 0; i < Math.max(officerIds.length, unitIds.length); i += 50) {
    const officers = officerIds
      .slice(i, i + 50)
      .map((officerId) => store.Officer.build(BatchGetRequest).key({ officerId }))
    const units = unitIds.slice(i, i + 50).map((unitId) => store.Unit.build(BatchGetRequest).key({ unitId }))
    if (officers.length > 0) {
      const { Responses } = await executeBatchGet(store.table.build(BatchGetCommand).requests(...officers))
      for (const o of Responses?.[0] ?? []) if (o) names.set(`officer:${o.officerId}`, o.name)
    }
    if (units.length > 0) {
      const { Responses } = await executeBatchGet(store.table.build(BatchGetCommand).requests(...units))
      for (const u of Responses?.[0] ?? []) if (u) names.set(`unit:${u.unitId}`, u.name)
    }
  }
  return names
}
