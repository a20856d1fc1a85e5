// Return visits: reading one, recording its outcome, and reminding its officer when a reminder timer fires.
import { $add, $set, executeTransactWrite, GetItemCommand, UpdateTransaction } from 'dynamodb-toolbox'
import * as z from 'zod'
import type { AppDeps } from '../deps.ts'
import { type Actor, requireRegion } from '../domain/access/roles.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { auditTransaction, isConditionRefusal } from './audit.ts'
import { queueNotification } from './notify.ts'
import { openPhone } from './personal-data.ts'
import { closeTimer } from './timers.ts'

export const outcomeInput = z.object({
  reached: z.boolean(),
  method: z.enum(['home-visit', 'phone', 'office', 'video']),
  satisfaction: z.enum(['satisfied', 'basically-satisfied', 'dissatisfied']).optional(),
  notes: z.string().max(4000).optional(),
})

const loadVisit = async ({ store }: AppDeps, actor: Actor, visitId: string) => {
  const { Item } = await store.Visit.build(GetItemCommand).key({ visitId }).send()
  if (!Item) throw new NotFoundError(`visit ${visitId} does not exist`)
  requireRegion(actor, Item.regionCode)
  return Item
}

export const getVisit = (deps: AppDeps, actor: Actor, visitId: string) => loadVisit(deps, actor, visitId)

export const recordOutcome = async (
  deps: AppDeps,
  actor: Actor,
  visitId: string,
  outcome: z.infer<typeof outcomeInput>,
) => {
  const { store, clock } = deps
  const visit = await loadVisit(deps, actor, visitId)
  if (visit.status !== 'planned') throw new ConflictError(`visit ${visitId} is ${visit.status}`)
  const now = clock.now()
  const after = {
    status: 'completed' as const,
    completedAt: now.toISOString(),
    outcome,
    version: visit.version + 1,
  }
  try {
    await executeTransactWrite(
      store.Visit.build(UpdateTransaction)
        // $set: replace the whole outcome map (a plain object would be a deep, partial update).
        .item({ visitId, ...after, outcome: $set(outcome) })
        .options({ condition: { attr: 'version', eq: visit.version } }),
      store.Officer.build(UpdateTransaction).item({ officerId: visit.officerId, openVisits: $add(-1) }),
      auditTransaction(store, {
        subject: `VISIT#${visitId}`,
        actor: actor.id,
        action: 'visit.completed',
        regionCode: visit.regionCode,
        at: now,
        before: { status: visit.status, version: visit.version },
        after,
      }),
    )
  } catch (error) {
    if (isConditionRefusal(error))
      throw new ConflictError(`visit ${visitId} changed meanwhile; read it again`)
    throw error
  }
  return { ...visit, ...after }
}

/** At fire time: a visit no longer planned (completed, cancelled) reminds nobody. */
export const remindOfficerOfVisit = async (deps: AppDeps, timer: { timerId: string; subjectId: string }) => {
  const { store } = deps
  const { Item: visit } = await store.Visit.build(GetItemCommand).key({ visitId: timer.subjectId }).send()
  if (visit?.status !== 'planned') {
    await closeTimer(deps, timer.timerId, 'void')
    return { reminded: false, reason: visit ? `visit ${visit.status}` : 'visit missing' }
  }
  const [{ Item: officer }, { Item: petitioner }] = await Promise.all([
    store.Officer.build(GetItemCommand).key({ officerId: visit.officerId }).send(),
    store.Petitioner.build(GetItemCommand).key({ petitionerId: visit.petitionerId }).send(),
  ])
  if (!officer) throw new Error(`officer ${visit.officerId} of visit ${visit.visitId} does not exist`)
  await queueNotification(deps, {
    notificationId: `sms-${timer.timerId}`,
    recipientType: 'officer',
    recipientId: officer.officerId,
    regionCode: visit.regionCode,
    phone: await openPhone(deps.crypto, 'Officer', officer.officerId, officer),
    locale: officer.locale,
    template: 'officer-visit-reminder',
    params: {
      officerName: officer.name,
      sequence: String(visit.sequence),
      caseId: visit.caseId,
      petitionerName: petitioner?.name ?? visit.petitionerId,
      dueDate: visit.dueDate,
    },
  })
  await closeTimer(deps, timer.timerId, 'fired')
  return { reminded: true }
}
