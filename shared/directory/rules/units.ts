// Units: the level a region code makes, where a unit may hang, and that a unit keeps its region.
import { regionCovers, significantPrefix } from '../../access/rules/region-scope.ts'

export const unitLevels = ['village', 'township', 'county', 'city', 'province'] as const
export type UnitLevel = (typeof unitLevels)[number]

/** The level of a unit at a region code, from its significant prefix: 33 province, 3301 city, 330106 county, … */
export const unitLevelOf = (regionCode: string): UnitLevel => {
  const levels = { 2: 'province', 4: 'city', 6: 'county', 9: 'township', 12: 'village' } as const
  return levels[significantPrefix(regionCode).length as keyof typeof levels] ?? 'village'
}

/** A unit named as its own parent. */
export const hangsUnderItself = (unit: { unitId: string; parentUnitId?: string }): boolean =>
  unit.parentUnitId === unit.unitId

/**
 * Why a unit at `regionCode` cannot hang under `parent`, or undefined: a unit hangs only under a unit whose region
 * covers its own, so that the visits of a county's petitioners are never assigned up a chain that runs through
 * another county, to an officer who cannot complete them.
 */
export const parentRefusal = (
  parent: { unitId: string; regionCode: string },
  regionCode: string,
): string | undefined =>
  regionCovers(parent.regionCode, regionCode)
    ? undefined
    : `unit ${parent.unitId} (region ${parent.regionCode}) does not cover region ${regionCode}: a unit ` +
      'hangs only under a unit whose region covers its own'

/**
 * Why a replacement cannot move a unit to `regionCode`, or undefined: its staff, petitioners and child units took
 * their region from it, and a unit that moved would leave them behind.
 */
export const regionMoveRefusal = (
  unitId: string,
  before: { regionCode: string },
  regionCode: string,
): string | undefined =>
  before.regionCode === regionCode
    ? undefined
    : `regionCode: unit ${unitId} is in region ${before.regionCode} and cannot move to ${regionCode}; ` +
      'create a unit in the new region and move its people there'

/**
 * The region of a person's unit, or why there is none: an existing unit's own (a region given must be the same), or
 * the one given to make the unit at.
 */
export const personUnitRegion = (
  unitId: string,
  existing: { regionCode: string } | undefined,
  given: string | undefined,
): { regionCode: string } | { problem: string } => {
  const regionCode = existing?.regionCode ?? given
  if (!regionCode) return { problem: `unit ${unitId} does not exist: give its region code to make it` }
  if (existing && given && given !== existing.regionCode) {
    return { problem: `unit ${unitId} exists at region ${existing.regionCode}, not ${given}` }
  }
  return { regionCode }
}
