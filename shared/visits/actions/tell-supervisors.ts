// A flag told to the supervisors of the visit's unit (the nearest unit that has one) by SMS; the flag itself is
// stored by the change that raised it.
import { openPhone } from '../../platform/crypto/personal-data.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { visitPorts } from '../ports.ts'
import { type FlagKind, flagIdOf, flagLabels } from '../rules/flags.ts'
import { flagSmsId } from '../rules/ids.ts'
import { nearestStaff, officerOf } from '../store/people.ts'
import { warnAdministratorsOnce } from '../store/records.ts'
import type { Visit } from '../store/visits.ts'

export const tellSupervisors = async (deps: AppDeps, visit: Visit, kind: FlagKind) => {
  const supervisors = await nearestStaff(deps.store, visit.unitId, 'supervisor')
  const officer = await officerOf(deps.store, visit.officerId)
  const { notify } = visitPorts(deps)
  for (const supervisor of supervisors) {
    await notify({
      notificationId: flagSmsId(flagIdOf(visit, kind), supervisor.officerId),
      recipientType: 'officer',
      recipientId: supervisor.officerId,
      regionCode: visit.regionCode,
      phone: await openPhone(deps.crypto, 'Officer', supervisor.officerId, supervisor),
      locale: supervisor.locale,
      template: 'supervisor-visit-flag',
      params: {
        supervisorName: supervisor.name,
        officerName: officer?.name ?? visit.officerId,
        matterId: visit.matterId,
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
const warnNoSupervisor = async (deps: AppDeps, visit: Visit, kind: FlagKind) => {
  deps.logger.warn('no supervisor to tell', { visitId: visit.visitId, unitId: visit.unitId, kind })
  await warnAdministratorsOnce(deps.store, {
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
}
