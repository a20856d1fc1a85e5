// The demo region: a county bureau, a township with an officer, a community without one, a petitioner, and a
// matter that is resolved at once. Its cadence is in minutes, so the officer's first reminder goes out about a
// minute after start, at any hour.

import type { AppDeps } from '#shared/deps.ts'
import type { Actor } from '#shared/domain/access/roles.ts'
import {
  cadencePolicyInput,
  officerInput,
  petitionerInput,
  unitInput,
} from '#shared/domain/directory/schemas.ts'
import { recordCaseEvent, registerCase } from '#shared/use-cases/cases.ts'
import { putCadencePolicy, putOfficer, putPetitioner, putUnit } from '#shared/use-cases/directory.ts'
import { visitIdOf } from '#shared/use-cases/plan-visits.ts'

export const DEMO_REGION = '330106' // 杭州市西湖区
export const demoIdentities = {
  admin: { sub: 'demo-admin', role: 'admin', region: '330000' },
  supervisor: { sub: 'demo-supervisor', role: 'supervisor', region: DEMO_REGION },
  officer: { sub: 'demo-officer-wang', role: 'officer', region: DEMO_REGION },
  committee: { sub: 'demo-committee', role: 'committee', region: DEMO_REGION },
} as const

export const seedDemo = async (deps: AppDeps) => {
  const admin: Actor = { id: 'demo-seed', role: 'admin', regionCode: '330000' }
  await putUnit(
    deps,
    admin,
    unitInput.parse({
      unitId: 'xihu-bureau',
      name: '西湖区信访局',
      regionCode: DEMO_REGION,
      level: 'county',
    }),
  )
  await putUnit(
    deps,
    admin,
    unitInput.parse({
      unitId: 'xixi-street',
      name: '西溪街道',
      regionCode: '330106009000',
      level: 'township',
      parentUnitId: 'xihu-bureau',
    }),
  )
  await putUnit(
    deps,
    admin,
    unitInput.parse({
      unitId: 'xixi-community',
      name: '西溪社区',
      regionCode: '330106009001',
      level: 'village',
      parentUnitId: 'xixi-street',
    }),
  )
  const officer = await putOfficer(
    deps,
    admin,
    officerInput.parse({
      officerId: demoIdentities.officer.sub,
      name: '王芳',
      phone: '13800138000',
      unitId: 'xixi-street',
      locale: 'zh-CN',
      active: true,
    }),
  )
  await putPetitioner(
    deps,
    admin,
    petitionerInput.parse({
      petitionerId: 'demo-petitioner-li',
      name: '李明',
      phone: '13900139000',
      unitId: 'xixi-community',
      locale: 'zh-CN',
    }),
  )
  await putCadencePolicy(
    deps,
    admin,
    cadencePolicyInput.parse({
      regionCode: DEMO_REGION,
      policy: {
        trigger: 'resolved',
        visits: [
          { unit: 'minutes', value: 3 },
          { unit: 'minutes', value: 10 },
        ],
        reminders: [{ unit: 'minutes', before: 2 }],
      },
    }),
  )
  const supervisor: Actor = { id: demoIdentities.supervisor.sub, role: 'supervisor', regionCode: DEMO_REGION }
  const caseId = `demo-${deps.clock.now().toISOString().replace(/\D/g, '').slice(0, 14)}`
  await registerCase(deps, supervisor, {
    caseId,
    petitionerId: 'demo-petitioner-li',
    category: '征地拆迁',
    summary: '对安置补偿标准有异议，经调解已达成一致。',
  })
  // A known event id, so that the first visit's id is known too (the planner plans it from the stream).
  const eventId = `${caseId}-resolved`
  await recordCaseEvent(deps, supervisor, caseId, { type: 'resolved', eventId, note: '补偿款已发放到位' })
  return { caseId, firstVisitId: visitIdOf(eventId, 1), officer }
}
