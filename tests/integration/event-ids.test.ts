// A client's event id is unique only within its matter: two offices may both record their matter's resolution as
// `resolved`. Each matter's visits, timers and the petitioner's SMS are still planned, each in its own region.
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  admin,
  resolveMatterOfLi,
  seedRegion,
  startTestRuntime,
  type TestRuntime,
  zhao,
} from '../fixtures/runtime.ts'

const gongshuSupervisor = { sub: 'feng', role: 'supervisor', region: '330105' } as const

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z') // Monday 10:00
  await seedRegion(rt)
  // A second county, with its own officer and petitioner.
  const ok = async (path: string, body: unknown) => {
    const r = await rt.call('POST', path, { as: admin, body })
    expect(r.status, `${path} ${JSON.stringify(r.body)}`).toBeLessThan(300)
  }
  await ok('/admin/units', { unitId: 'gongshu', name: '拱墅区信访局', regionCode: '330105', level: 'county' })
  await ok('/admin/officers', { officerId: 'qian', name: '钱进', phone: '13600136000', unitId: 'gongshu' })
  await ok('/admin/petitioners', {
    petitionerId: 'sun',
    name: '孙丽',
    phone: '13500135000',
    unitId: 'gongshu',
  })
})
afterAll(async () => rt?.stop())

it('plans the visits of two matters in two regions that were resolved with the same event id', async () => {
  await resolveMatterOfLi(rt, 'c-xihu', 'resolved')
  const registered = await rt.call('POST', '/matters', {
    as: gongshuSupervisor,
    body: { matterId: 'c-gongshu', petitionerId: 'sun', category: '城乡建设', summary: '物业纠纷' },
  })
  expect(registered.status).toBe(201)
  const resolved = await rt.call('POST', '/matters/c-gongshu/events', {
    as: gongshuSupervisor,
    body: { type: 'resolved', eventId: 'resolved' },
  })
  expect(resolved.status).toBe(201)
  await rt.drain()

  const xihu = await rt.call('GET', '/visits/c-xihu.resolved-v1', { as: zhao })
  expect(xihu.body).toMatchObject({ matterId: 'c-xihu', officerId: 'wang', regionCode: '330106009001' })
  const gongshu = await rt.call('GET', '/visits/c-gongshu.resolved-v1', { as: gongshuSupervisor })
  expect(gongshu.body).toMatchObject({ matterId: 'c-gongshu', officerId: 'qian', regionCode: '330105' })
  // Each petitioner was told of their own matter's visit.
  const sms = await rt.localSms.list()
  expect(sms.filter((m) => m.phone === '+8613900139000').map((m) => m.text)).toEqual([
    expect.stringContaining('c-xihu'),
  ])
  expect(sms.filter((m) => m.phone === '+8613500135000').map((m) => m.text)).toEqual([
    expect.stringContaining('c-gongshu'),
  ])
})
