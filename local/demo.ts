// The demo region: the province bureau and its administrator, a county bureau with a supervisor and a committee
// member, a township with an officer, a community without one, a petitioner, and a matter that is resolved at once.
// Its cadence is in minutes, so the officer's first reminder goes out about a minute after start, at any hour.
//
// The demo keeps to a region of its own (滨江区 330108), its own unit ids (`demo-…`) and its own phone numbers, so that
// the README's walk-through (西湖区 330106) gets the default cadence in the same installation, not the demo's minutes.

import type { Actor, Role } from '#shared/access/rules/roles.ts'
import { putPerson } from '#shared/directory/actions/put-person.ts'
import { putPetitioner } from '#shared/directory/actions/put-petitioner.ts'
import { putUnit } from '#shared/directory/actions/put-unit.ts'
import { cadencePolicyInput, petitionerInput, unitInput } from '#shared/directory/rules/schemas.ts'
import { recordMatterEvent } from '#shared/matters/actions/record-matter-event.ts'
import { registerMatter } from '#shared/matters/actions/register-matter.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { putCadencePolicy } from '#shared/visits/actions/put-cadence-policy.ts'
import { visitIdOf } from '#shared/visits/rules/ids.ts'

export const DEMO_REGION = '330108' // 杭州市滨江区
const PROVINCE = '330000' // 浙江省

/** The demo's people: each has a staff record and a local sign-in, so `npm run token -- --id <id>` works for them. */
export const demoPeople = {
  admin: { id: 'demo-admin', name: '陈静', role: 'admin', unitId: 'demo-province', phone: '13500135001' },
  supervisor: {
    id: 'demo-supervisor',
    name: '赵强',
    role: 'supervisor',
    unitId: 'demo-county',
    phone: '13700137001',
  },
  officer: {
    id: 'demo-officer-wang',
    name: '王芳',
    role: 'officer',
    unitId: 'demo-township',
    phone: '13800138001',
  },
  committee: {
    id: 'demo-committee',
    name: '孙梅',
    role: 'committee',
    unitId: 'demo-county',
    phone: '13600136001',
  },
} as const satisfies Record<string, { id: string; name: string; role: Role; unitId: string; phone: string }>

const person = (who: (typeof demoPeople)[keyof typeof demoPeople]) => ({
  personId: who.id,
  name: who.name,
  role: who.role,
  phone: who.phone,
  unitId: who.unitId,
  signIn: { email: `${who.id}@aftercare.invalid` },
})

export const seedDemo = async (deps: AppDeps) => {
  // The installation's first administrator, as `npm run person` makes one; everything else is theirs.
  await putPerson(deps, 'operator:demo-seed', {
    ...person(demoPeople.admin),
    unitRegionCode: PROVINCE,
    unitName: '浙江省信访局（演示）',
  })
  const admin: Actor = { id: demoPeople.admin.id, role: 'admin', regionCode: PROVINCE }
  await putUnit(
    deps,
    admin,
    unitInput.parse({
      unitId: 'demo-county',
      name: '滨江区信访局',
      regionCode: DEMO_REGION,
      level: 'county',
      parentUnitId: 'demo-province',
    }),
  )
  await putUnit(
    deps,
    admin,
    unitInput.parse({
      unitId: 'demo-township',
      name: '西兴街道',
      regionCode: `${DEMO_REGION}001000`,
      level: 'township',
      parentUnitId: 'demo-county',
    }),
  )
  await putUnit(
    deps,
    admin,
    unitInput.parse({
      unitId: 'demo-community',
      name: '西兴社区',
      regionCode: `${DEMO_REGION}001001`,
      level: 'village',
      parentUnitId: 'demo-township',
    }),
  )
  const { record: officer } = await putPerson(deps, admin, person(demoPeople.officer))
  await putPerson(deps, admin, person(demoPeople.supervisor))
  await putPerson(deps, admin, person(demoPeople.committee))
  await putPetitioner(
    deps,
    admin,
    petitionerInput.parse({
      petitionerId: 'demo-petitioner-li',
      name: '李明',
      phone: '13900139001',
      unitId: 'demo-community',
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
  const supervisor: Actor = { id: demoPeople.supervisor.id, role: 'supervisor', regionCode: DEMO_REGION }
  const matterId = `demo-${deps.clock.now().toISOString().replace(/\D/g, '').slice(0, 14)}`
  await registerMatter(deps, supervisor, {
    matterId,
    petitionerId: 'demo-petitioner-li',
    category: '征地拆迁',
    summary: '对安置补偿标准有异议，经调解已达成一致。',
  })
  // A known event id, so that the first visit's id is known too (the planner plans it from the stream).
  const eventId = `${matterId}-resolved`
  await recordMatterEvent(deps, supervisor, matterId, { type: 'resolved', eventId, note: '补偿款已发放到位' })
  return { matterId, firstVisitId: visitIdOf({ matterId, eventId }, 1), officer }
}
