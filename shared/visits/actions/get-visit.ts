// A visit as a caller sees it: in their scope or not found, its private text opened only for those who may read it,
// and what became of each SMS about it.
import { requireInScopeOrNotFound } from '../../access/rules/object-scope.ts'
import type { Actor } from '../../access/rules/roles.ts'
import { openAttempt, openOutcome } from '../../platform/crypto/personal-data.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { visitAnswer } from '../rules/views.ts'
import { mayReadNotes } from '../rules/visit-access.ts'
import { notificationsOf } from '../store/records.ts'
import { findVisit, type Visit } from '../store/visits.ts'

/** A visit outside the caller's scope is answered as a missing one: 404, not a 403 that would say where it is. */
export const loadVisit = async (deps: AppDeps, actor: Actor, visitId: string) =>
  requireInScopeOrNotFound(actor, await findVisit(deps.store, visitId), `visit ${visitId}`)

export const getVisit = async (deps: AppDeps, actor: Actor, visitId: string) =>
  visitView(deps, actor, await loadVisit(deps, actor, visitId))

/**
 * What became of each SMS about a visit, oldest first: to whom (the officer or the petitioner, never the number),
 * which message, its status (sent, failed, suppressed because the number opted out, …) and the last word on it.
 */
const smsAbout = async (deps: AppDeps, ids: Set<string> | undefined) =>
  (await notificationsOf(deps.store, ids ?? []))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((n) => ({
      notificationId: n.notificationId,
      to: n.recipientType,
      template: n.template,
      status: n.status,
      createdAt: n.createdAt,
      sentAt: n.sentAt,
      detail: n.log.at(-1)?.detail,
    }))

/**
 * What a caller sees of a visit: the outcome's notes and hardship reason only if they may read them, and none of the
 * visit's bookkeeping (rules/views.ts).
 */
export const visitView = async (deps: AppDeps, actor: Actor, visit: Visit | undefined) => {
  if (!visit) return visit
  const { outcomeCipher: _, sms: smsIds, ...rest } = visit
  const mayRead = mayReadNotes(actor, visit)
  const unreached = await Promise.all(
    visit.unreached.map(async ({ privateCipher, ...attempt }, i) =>
      mayRead && privateCipher
        ? { ...attempt, ...(await openAttempt(deps.crypto, visit.visitId, i + 1, privateCipher)) }
        : attempt,
    ),
  )
  return visitAnswer({
    ...rest,
    unreached,
    outcome: mayRead ? await openOutcome(deps.crypto, visit) : visit.outcome,
    sms: await smsAbout(deps, smsIds),
  })
}

/** The visit as it now is, as the caller sees it: what every change answers. */
export const visitNow = async (deps: AppDeps, actor: Actor, visitId: string) =>
  visitView(deps, actor, await findVisit(deps.store, visitId))
