// Creates the petitioner, or replaces it if it exists: for the demo, which may run again.
import type * as z from 'zod'
import type { Actor } from '../../access/rules/roles.ts'
import type { DirectoryDeps } from '../ports.ts'
import type { petitionerInput } from '../rules/schemas.ts'
import { petitionerById } from '../store.ts'
import { createPetitioner } from './create-petitioner.ts'
import { replacePetitioner } from './replace-petitioner.ts'

export const putPetitioner = async (
  deps: DirectoryDeps,
  actor: Actor,
  input: z.infer<typeof petitionerInput>,
) =>
  (await petitionerById(deps.store, input.petitionerId, { consistent: true }))
    ? replacePetitioner(deps, actor, input.petitionerId, input)
    : createPetitioner(deps, actor, input)
