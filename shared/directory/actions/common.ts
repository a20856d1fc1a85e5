// Steps several of the directory's actions share (none is an office action of its own): the unit a body names, a
// unit's parent, and what a refused create or replacement answers.
import { inScope } from '../../access/rules/object-scope.ts'
import type { Actor } from '../../access/rules/roles.ts'
import { isConditionRefusal } from '../../platform/audit.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { ConflictError, ValidationError } from '../../platform/errors.ts'
import { sameIdProblem } from '../rules/replacement.ts'
import { hangsUnderItself, parentRefusal } from '../rules/units.ts'
import { unitById } from '../store.ts'

/**
 * A unit the body names: one outside the caller's scope is answered as one that does not exist, so that no answer
 * tells that it exists elsewhere, or in which region (shared/access/rules/object-scope.ts).
 */
export const unitInScope = async (
  { store }: Pick<AppDeps, 'store'>,
  actor: Actor,
  unitId: string,
  field: string,
) => {
  const unit = await unitById(store, unitId)
  if (!inScope(actor, unit)) throw new ValidationError([{ field, reason: `unit ${unitId} does not exist` }])
  return unit
}

/**
 * A unit hangs under a unit whose region covers its own, and an administrator attaches units only inside their own
 * scope, the parent included (shared/directory/rules/units.ts).
 */
export const checkParent = async (
  deps: Pick<AppDeps, 'store'>,
  actor: Actor,
  unit: { unitId: string; regionCode: string; parentUnitId?: string },
) => {
  if (!unit.parentUnitId) return
  if (hangsUnderItself(unit)) {
    throw new ValidationError([{ field: 'parentUnitId', reason: 'a unit cannot hang under itself' }])
  }
  const parent = await unitInScope(deps, actor, unit.parentUnitId, 'parentUnitId')
  const refusal = parentRefusal(parent, unit.regionCode)
  if (refusal) throw new ValidationError([{ field: 'parentUnitId', reason: refusal }])
}

/** A create refused by its condition: someone created the same id meanwhile. */
export const createRefused = async <T extends { regionCode: string }>(
  write: Promise<unknown>,
  reread: () => Promise<T | undefined>,
  taken: (existing: T) => ConflictError,
) => {
  try {
    await write
  } catch (error) {
    if (!isConditionRefusal(error)) throw error
    const existing = await reread()
    if (existing) throw taken(existing)
    throw error
  }
}

/** A replacement refused by its condition: the record changed (or went) between the read and the write. */
export const replaceRefused = async (
  write: Promise<unknown>,
  what: string,
  onRefusal?: () => Promise<void>,
) => {
  try {
    await write
  } catch (error) {
    if (!isConditionRefusal(error)) throw error
    await onRefusal?.()
    throw new ConflictError(`${what} was changed by someone else meanwhile: read it again and retry`)
  }
}

/** The id of a replacement: the path's, which the body may repeat but not contradict. */
export const requireSameId = (field: string, path: string, body: string | undefined) => {
  const problem = sameIdProblem(path, body)
  if (problem) throw new ValidationError([{ field, reason: problem }])
}
