import {
  type ExecuteTransactWriteInput,
  type ExecuteTransactWriteOptions,
  GetItemCommand,
  UpdateTransaction,
} from 'dynamodb-toolbox'
import * as z from 'zod'
import { requireInScopeOrNotFound } from '../access/rules/object-scope.ts'
import type { Actor } from '../access/rules/roles.ts'
import { strictObject } from '../directory/rules/fields.ts'
import { isConditionRefusal } from '../platform/audit.ts'
import { openAttempt, openOutcome } from '../platform/crypto/personal-data.ts'
import type { AppDeps } from '../platform/deps.ts'
import { ConflictError, ForbiddenError } from '../platform/errors.ts'
import { idSchema } from '../platform/id.ts'
import { smsAbout } from './visit-sms.ts'

/** One write of a TransactWriteItems call, as dynamodb-toolbox types it. */
export type TransactionItem = Exclude<ExecuteTransactWriteInput[number], ExecuteTransactWriteOptions>

export const reason = z.string().trim().min(2, 'must say why (at least 2 characters)').max(1000)
export const businessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')

export const reassignInput = strictObject({ officerId: idSchema, reason })
export const cancelInput = strictObject({ reason })
export const rescheduleInput = strictObject({ dueDate: businessDate, reason })
export const appointmentInput = strictObject({
  at: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 instant' }),
  note: z.string().max(500).optional(),
})
export const leaveInput = strictObject({ reason })
export const closeRemainingInput = strictObject({ triggerEventId: idSchema, reason })

export type Visit = NonNullable<Awaited<ReturnType<typeof findVisit>>>

export const findVisit = async ({ store }: AppDeps, visitId: string) =>
  (await store.Visit.build(GetItemCommand).key({ visitId }).send()).Item

/** A visit outside the caller's scope is answered as a missing one: 404, not a 403 that would say where it is. */
export const loadVisit = async (deps: AppDeps, actor: Actor, visitId: string) =>
  requireInScopeOrNotFound(actor, await findVisit(deps, visitId), `visit ${visitId}`)

export const requirePlanned = (visit: Visit) => {
  if (visit.status !== 'planned') throw new ConflictError(`visit ${visit.visitId} is ${visit.status}`)
}

/**
 * An officer works on the visits assigned to them; supervisors and administrators on any in their region. Checked
 * after `loadVisit`: the 403 goes only to an officer who may read the visit anyway.
 */
export const requireAssigned = (actor: Actor, visit: Visit) => {
  if (actor.role === 'officer' && actor.id !== visit.officerId) {
    throw new ForbiddenError(`visit ${visit.visitId} is assigned to another officer`)
  }
}

/** The visit's version moves on with every change: a concurrent change is refused, not overwritten. */
export const visitUpdate = (deps: AppDeps, visit: Visit, changes: Record<string, unknown>) =>
  deps.store.Visit.build(UpdateTransaction)
    .item({ visitId: visit.visitId, ...changes, version: visit.version + 1 })
    .options({ condition: { attr: 'version', eq: visit.version } })

export const commit = async (run: () => Promise<unknown>, visitId: string) => {
  try {
    await run()
  } catch (error) {
    if (isConditionRefusal(error))
      throw new ConflictError(`visit ${visitId} changed meanwhile; read it again`)
    throw error
  }
}

export const getVisit = async (deps: AppDeps, actor: Actor, visitId: string) =>
  visitView(deps, actor, await loadVisit(deps, actor, visitId))

/**
 * What a caller sees of a visit. The outcome's notes and hardship reason are personal data: decrypted for the
 * assigned officer, supervisors, the committee and administrators of the region, never for another officer.
 */
export const visitView = async (deps: AppDeps, actor: Actor, visit: Visit | undefined) => {
  if (!visit) return visit
  const { outcomeCipher: _, sms: smsIds, ...rest } = visit
  const mayRead = actor.role !== 'officer' || actor.id === visit.officerId
  const unreached = await Promise.all(
    visit.unreached.map(async ({ privateCipher, ...attempt }, i) =>
      mayRead && privateCipher
        ? { ...attempt, ...(await openAttempt(deps.crypto, visit.visitId, i + 1, privateCipher)) }
        : attempt,
    ),
  )
  return {
    ...rest,
    unreached,
    outcome: mayRead ? await openOutcome(deps.crypto, visit) : visit.outcome,
    sms: await smsAbout(deps, smsIds),
  }
}
