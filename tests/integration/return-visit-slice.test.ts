// The thin slice end to end through the real queues: a resolved matter → outbox → stream → events topic →
// planner queue → visits and reminder timers → sweeper → timers queue → timer consumer → notifications queue →
// dispatcher → the local SMS provider.
import { GetItemCommand } from 'dynamodb-toolbox'
import { afterEach, describe, expect, it } from 'vitest'
import { admin, seedRegion, startTestRuntime, type TestRuntime } from '../fixtures/runtime.ts'

const supervisor = { sub: 'zhao', role: 'supervisor', region: '330106' } as const
const officer = { sub: 'wang', role: 'officer', region: '330106009000' } as const

let rt: TestRuntime
afterEach(async () => rt?.stop())

/** Resolved on Friday 2026-02-13, 10:00 in Shanghai, before the Spring Festival. */
const resolveBeforeSpringFestival = async (options: Parameters<typeof startTestRuntime>[1] = {}) => {
  rt = await startTestRuntime('2026-02-13T02:00:00Z', options)
  await seedRegion(rt)
  const created = await rt.call('POST', '/matters', {
    as: supervisor,
    body: { matterId: 'c-2026-001', petitionerId: 'li', category: '征地拆迁', summary: '安置补偿' },
  })
  expect(created.status).toBe(201)
  const resolved = await rt.call('POST', '/matters/c-2026-001/events', {
    as: supervisor,
    body: { type: 'resolved', eventId: 'ev-1' },
  })
  expect(resolved.status).toBe(201)
  await rt.drain()
  return rt
}

const OFFICER_WANG = '+8613800138000'
const PETITIONER_LI = '+8613900139000'
const smsTo = async (phone: string) => (await rt.localSms.list()).filter((sms) => sms.phone === phone)

const atReminderTime = async () => {
  rt.clock.set('2026-02-26T01:00:00Z') // 09:00 in Shanghai, three working days before 2026-03-02
  await rt.sweep()
  await rt.drain()
}

describe('a resolved matter', () => {
  it('plans the first return visit seven working days later, assigned to the officer of the nearest unit', async () => {
    await resolveBeforeSpringFestival()
    const visit = await rt.call('GET', '/visits/c-2026-001.ev-1-v1', { as: officer })
    expect(visit.status).toBe(200)
    // Saturday 02-14 and 02-28 are working days; 02-15…02-23 are the Spring Festival holiday.
    expect(visit.body).toMatchObject({
      dueDate: '2026-03-02',
      officerId: 'wang',
      status: 'planned',
      sequence: 1,
    })
    // The community has no officer: the township's officer gets it.
    expect(visit.body.unitId).toBe('township')
    const later = await rt.call('GET', '/visits/c-2026-001.ev-1-v2', { as: officer })
    expect(later.body.dueDate).toBe('2026-03-16') // +30 calendar days is Sunday 03-15: moved to Monday
    // The event and its audit entry went in one transaction; the planner audited what it planned.
    const trail = await rt.call('GET', '/audit/matter/c-2026-001', { as: supervisor })
    // The manual clock stands still: the three entries share one instant, so their order is not asserted.
    expect(trail.body.entries).toHaveLength(3)
    expect(trail.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'zhao', action: 'case.registered' }),
        expect.objectContaining({
          actor: 'zhao',
          action: 'case.resolved',
          at: '2026-02-13T02:00:00.000Z',
          before: expect.objectContaining({ status: 'handling' }),
          after: expect.objectContaining({ status: 'resolved' }),
        }),
        expect.objectContaining({
          actor: 'visit-planner',
          action: 'visits.planned',
          after: expect.objectContaining({ policy: { region: 'default', version: 0 } }),
        }),
      ]),
    )
  })

  it('tells the petitioner, once, that the matter is concluded and when the return visit will come', async () => {
    await resolveBeforeSpringFestival({ duplicateDelivery: true })
    const sms = await smsTo(PETITIONER_LI)
    expect(sms).toHaveLength(1)
    expect(sms[0]?.text).toBe(
      '【信访回访】李明您好：您反映的事项c-2026-001已办结，我们将于2026-03-02前回访，听取您的意见。回复TD退订。',
    )
  })

  it("sends the officer's reminder SMS at 09:00 three working days before the visit, exactly once", async () => {
    await resolveBeforeSpringFestival()
    rt.clock.set('2026-02-26T00:58:00Z')
    await rt.sweep()
    await rt.drain()
    expect(await smsTo(OFFICER_WANG)).toEqual([])

    await atReminderTime()
    const sms = await smsTo(OFFICER_WANG)
    expect(sms).toHaveLength(1)
    expect(sms[0]).toMatchObject({
      phone: '+8613800138000',
      text: '【回访提醒】王芳：信访事项c-2026-001的第1次回访（回访对象李明）应于2026-03-02完成。',
      sentAt: '2026-02-26T01:00:00.000Z',
    })
    // Sweeping and draining again sends nothing more.
    await rt.sweep()
    await rt.drain()
    expect(await smsTo(OFFICER_WANG)).toHaveLength(1)
  })

  it('still sends exactly one SMS when every queue message is delivered twice and two sweepers race', async () => {
    await resolveBeforeSpringFestival({ duplicateDelivery: true })
    const visit = await rt.call('GET', '/visits/c-2026-001.ev-1-v1', { as: officer })
    expect(visit.body.dueDate).toBe('2026-03-02')
    rt.clock.set('2026-02-26T01:00:00Z')
    await Promise.all([rt.sweep(), rt.sweep()])
    await rt.drain()
    const sms = await smsTo(OFFICER_WANG)
    expect(sms).toHaveLength(1)
    expect(sms[0]?.text).toContain('王芳')
    // Every queue really did deliver its messages twice.
    expect(rt.pollers.planner.deliveries).toBe(2)
    expect(rt.pollers.timers.deliveries).toBeGreaterThanOrEqual(2)
    expect(rt.pollers.notifications.deliveries).toBeGreaterThanOrEqual(2)
    const { Item } = await rt.deps.store.Notification.build(GetItemCommand)
      .key({ notificationId: 'sms-c-2026-001.ev-1-v1-r1-202602260100' })
      .send()
    expect(Item).toMatchObject({ status: 'sent', recipientId: 'wang' })
  })

  it('sends no reminder when the visit was completed before the reminder fell due', async () => {
    await resolveBeforeSpringFestival()
    rt.clock.set('2026-02-25T03:00:00Z')
    const done = await rt.call('POST', '/visits/c-2026-001.ev-1-v1/outcome', {
      as: officer,
      body: { reached: true, method: 'home-visit', satisfaction: 'satisfied', repeatPetitionRisk: 'low' },
    })
    expect(done.status).toBe(200)
    await atReminderTime()
    expect(await smsTo(OFFICER_WANG)).toEqual([])
    const { Item: timer } = await rt.deps.store.Timer.build(GetItemCommand)
      .key({ timerId: 'c-2026-001.ev-1-v1-r1' })
      .send()
    expect(timer?.status).toBe('void')
  })

  it('records the event once when the client sends it twice, and plans its visits once', async () => {
    await resolveBeforeSpringFestival()
    const again = await rt.call('POST', '/matters/c-2026-001/events', {
      as: supervisor,
      body: { type: 'resolved', eventId: 'ev-1' },
    })
    expect(again.status).toBe(200)
    await rt.drain()
    const matter = await rt.call('GET', '/matters/c-2026-001', { as: admin })
    expect(matter.body.status).toBe('resolved')
    expect(matter.body.events).toHaveLength(1)
  })
})
