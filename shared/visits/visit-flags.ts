import { GetItemCommand, PutItemCommand } from 'dynamodb-toolbox'
import { queueNotification } from '../notifications/actions/queue-notification.ts'
import { writeUnlessDone } from '../platform/audit.ts'
import { openPhone } from '../platform/crypto/personal-data.ts'
import type { AppDeps } from '../platform/deps.ts'
import { nearestStaff } from './plan-visits.ts'
import type { Visit } from './visit-records.ts'

export const flagLabels = {
  dissatisfied: '回访不满意',
  'high-risk': '重复访、越级访风险高',
  'not-reached': '三次未能联系上信访人',
  overdue: '已逾期',
  'moved-while-overdue': '逾期后改期',
} as const
export type FlagKind = keyof typeof flagLabels

/** Tells the supervisors of the visit's unit (the nearest unit that has one) by SMS; the flag itself is stored. */
export const tellSupervisors = async (deps: AppDeps, visit: Visit, kind: FlagKind) => {
  const supervisors = await nearestStaff(deps, visit.unitId, 'supervisor')
  const { Item: officer } = await deps.store.Officer.build(GetItemCommand)
    .key({ officerId: visit.officerId })
    .send()
  for (const supervisor of supervisors) {
    await queueNotification(deps, {
      notificationId: `sms-flag-${flagIdOf(visit, kind)}-${supervisor.officerId}`,
      recipientType: 'officer',
      recipientId: supervisor.officerId,
      regionCode: visit.regionCode,
      phone: await openPhone(deps.crypto, 'Officer', supervisor.officerId, supervisor),
      locale: supervisor.locale,
      template: 'supervisor-visit-flag',
      params: {
        supervisorName: supervisor.name,
        officerName: officer?.name ?? visit.officerId,
        caseId: visit.caseId,
        sequence: String(visit.sequence),
        dueDate: visit.dueDate,
        reason: flagLabels[kind],
      },
    })
  }
  if (supervisors.length === 0) await warnNoSupervisor(deps, visit, kind)
}

/**
 * A flag no one can be told of: the visit's unit and every unit above it have no active supervisor. The flag and
 * the ledger are written all the same; administrators are warned, once per unit, to appoint one.
 */
export const warnNoSupervisor = async (deps: AppDeps, visit: Visit, kind: FlagKind) => {
  deps.logger.warn('no supervisor to tell', { visitId: visit.visitId, unitId: visit.unitId, kind })
  await writeUnlessDone(
    deps.store.AdminWarning.build(PutItemCommand)
      .item({
        key: `no-supervisor-${visit.unitId}`,
        kind: 'no-supervisor',
        regionCode: visit.regionCode,
        message:
          `Unit ${visit.unitId} (region ${visit.regionCode}) and the units above it have no active supervisor: ` +
          `flags on its visits (first: ${flagLabels[kind]}, visit ${visit.visitId}) are recorded but told to no ` +
          'one. Appoint one in the unit or a unit above it: POST /admin/officers with the duty supervisor, or PUT ' +
          '/admin/officers/{officerId} to give a record that duty.',
        raisedAt: deps.clock.now().toISOString(),
      })
      .options({ condition: { attr: 'key', exists: false } })
      .send(),
  )
}

/** A visit is flagged once per kind; overdue and moved once per due date, since a moved visit can be late again. */
export const flagIdOf = (visit: Visit, kind: FlagKind) =>
  kind === 'overdue' || kind === 'moved-while-overdue'
    ? `${kind}-${visit.visitId}-${visit.dueDate}`
    : `${kind}-${visit.visitId}`

export const flagItem = (visit: Visit, kind: FlagKind, at: Date, detail: string) => ({
  flagId: flagIdOf(visit, kind),
  kind,
  visitId: visit.visitId,
  caseId: visit.caseId,
  petitionerId: visit.petitionerId,
  officerId: visit.officerId,
  unitId: visit.unitId,
  regionCode: visit.regionCode,
  raisedAt: at.toISOString(),
  detail,
})
