// `POST /matters`: a matter registered for a petitioner of the caller's scope; it is handled from now on.
import type * as z from 'zod'
import { inScope } from '../../access/rules/object-scope.ts'
import type { Actor } from '../../access/rules/roles.ts'
import { petitionerById } from '../../directory/store.ts'
import { auditSubject, isConditionRefusal } from '../../platform/audit.ts'
import { ConflictError, ValidationError } from '../../platform/errors.ts'
import type { MatterDeps } from '../ports.ts'
import type { registerMatterInput } from '../rules/schemas.ts'
import type { MatterStatus } from '../rules/status.ts'
import { saveNewMatter } from '../store.ts'

export const registerMatter = async (
  deps: MatterDeps,
  actor: Actor,
  input: z.infer<typeof registerMatterInput>,
) => {
  const { store, clock } = deps
  const petitioner = await petitionerById(store, input.petitionerId)
  // A petitioner outside the caller's scope is refused as a missing one: the answer does not say where they live.
  if (!inScope(actor, petitioner)) {
    throw new ValidationError([
      { field: 'petitionerId', reason: `petitioner ${input.petitionerId} not found` },
    ])
  }
  const now = clock.now().toISOString()
  const matter = {
    ...input,
    regionCode: petitioner.regionCode,
    unitId: petitioner.unitId,
    status: 'handling' as MatterStatus,
    openedAt: now,
    updatedAt: now,
    version: 1,
  }
  try {
    await saveNewMatter(store, matter, {
      subject: auditSubject('matter', input.matterId),
      actor: actor.id,
      action: 'case.registered',
      regionCode: matter.regionCode,
      at: clock.now(),
      after: matter,
    })
  } catch (error) {
    if (isConditionRefusal(error)) throw new ConflictError(`case ${input.matterId} already exists`)
    throw error
  }
  return matter
}
