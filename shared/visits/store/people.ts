// What visits read of the people and matters they are about: the directory's staff, units and petitioners, and the
// matters. Read here, by name, until those contexts offer these reads themselves; the one write, the officer marked
// as left in the same step as a hand-over's audit entry, is built by the directory's store.
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import { QueryCommand } from 'dynamodb-toolbox/table/actions/query'
import { officerWorkloadWrite } from '../../directory/store.ts'
import type { Store } from '../../platform/table/store.ts'

export const officerOf = async (store: Store, officerId: string) =>
  (await store.Officer.build(GetItemCommand).key({ officerId }).send()).Item

export const petitionerOf = async (store: Store, petitionerId: string) =>
  (await store.Petitioner.build(GetItemCommand).key({ petitionerId }).send()).Item

export type Staff = NonNullable<Awaited<ReturnType<typeof officerOf>>>

/**
 * The nearest unit (village → township → county) with active staff of a duty, and its staff, fewest open visits
 * first. `except` leaves out an officer who is handing work over.
 */
export const nearestStaff = async (
  store: Store,
  unitId: string,
  duty: 'officer' | 'supervisor',
  except?: string,
) => {
  for (let current: string | undefined = unitId, depth = 0; current && depth < 6; depth++) {
    const { Items = [] } = await store.table
      .build(QueryCommand)
      .entities(store.Officer)
      .query({ index: 'gsi1', partition: `UNIT#${current}#OFFICERS` })
      .send()
    const active = Items.filter((o) => o.active && o.duty === duty && o.officerId !== except).sort(
      (a, b) => a.openVisits - b.openVisits || a.officerId.localeCompare(b.officerId),
    )
    if (active.length > 0) return active
    const { Item: unit } = await store.Unit.build(GetItemCommand).key({ unitId: current }).send()
    current = unit?.parentUnitId
  }
  return []
}

/** An officer who leaves is marked inactive, unless already marked (refused: someone did it meanwhile). */
export const officerLeftWrite = (store: Store, officerId: string) =>
  officerWorkloadWrite(store, officerId, { leaves: true })
