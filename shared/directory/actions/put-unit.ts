// Creates the unit, or replaces it if it exists: for the console and the demo, which may run again.
import type * as z from 'zod'
import type { Actor } from '../../access/rules/roles.ts'
import type { DirectoryDeps } from '../ports.ts'
import type { unitInput } from '../rules/schemas.ts'
import { unitById } from '../store.ts'
import { createUnit } from './create-unit.ts'
import { replaceUnit } from './replace-unit.ts'

export const putUnit = async (deps: DirectoryDeps, actor: Actor, input: z.infer<typeof unitInput>) =>
  (await unitById(deps.store, input.unitId, { consistent: true }))
    ? replaceUnit(deps, actor, input.unitId, input)
    : createUnit(deps, actor, input)
