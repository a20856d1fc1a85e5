// Creates the staff record, or replaces it (active, with the duty given) if it exists: for the console, which may be
// run again for the same person.
import type * as z from 'zod'
import type { Actor } from '../../access/rules/roles.ts'
import type { DirectoryDeps } from '../ports.ts'
import type { officerInput } from '../rules/schemas.ts'
import { officerById } from '../store.ts'
import { createOfficer } from './create-officer.ts'
import { replaceOfficer } from './replace-officer.ts'

export const putOfficer = async (deps: DirectoryDeps, actor: Actor, input: z.infer<typeof officerInput>) =>
  (await officerById(deps.store, input.officerId, { consistent: true }))
    ? replaceOfficer(deps, actor, input.officerId, input)
    : createOfficer(deps, actor, input)
