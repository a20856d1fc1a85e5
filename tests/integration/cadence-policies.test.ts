// A region's cadence policy applies to the matters of its region and of every region below it, whatever level it is
// saved at (a province, a city, a county, a township or a village), the nearest one winning; offsets are bounded.
import { PutItemCommand } from 'dynamodb-toolbox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, seedRegion, startTestRuntime, type TestRuntime, zhao } from '../fixtures/runtime.ts'

let rt: TestRuntime
beforeAll(async () => {
  // Monday 2026-03-02, 10:00 in Shanghai: every offset below lands on a Monday, a working day.
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  await seedRegion(rt)
})
afterAll(async () => rt?.stop())

const policyOf = (days: number) => ({
  trigger: 'resolved',
  visits: [{ unit: 'calendarDays', value: days }],
  reminders: [{ unit: 'workingDays', before: 1, at: '09:00' }],
})

const save = (regionCode: string, policy: unknown) =>
  rt.call('POST', '/admin/cadence-policies', { as: admin, body: { regionCode, policy } })

/** Resolves a matter of Li (of the village 330106009001) and answers the due dates of its visits. */
const dueDatesOfNewMatter = async (matterId: string) => {
  const created = await rt.call('POST', '/matters', {
    as: zhao,
    body: { matterId, petitionerId: 'li', category: '劳动保障', summary: '欠薪' },
  })
  expect(created.status).toBe(201)
  const resolved = await rt.call('POST', `/matters/${matterId}/events`, {
    as: zhao,
    body: { type: 'resolved', eventId: `${matterId}-resolved` },
  })
  expect(resolved.status).toBe(201)
  await rt.drain()
  const worklist = await rt.call('GET', '/officers/wang/worklist', { as: zhao })
  expect(worklist.status).toBe(200)
  return worklist.body.visits
    .filter((v: { matterId: string }) => v.matterId === matterId)
    .map((v: { dueDate: string }) => v.dueDate)
}

describe('a cadence policy saved at any level', () => {
  it('plans a village matter by the nearest policy: the province, then the city, the county, the village', async () => {
    // No policy: the default, 7 working days then 30 and 90 calendar days (05-31 a Sunday: the Monday).
    expect(await dueDatesOfNewMatter('c-default')).toEqual(['2026-03-11', '2026-04-01', '2026-06-01'])

    expect((await save('330000', policyOf(7))).status).toBe(200)
    expect(await dueDatesOfNewMatter('c-province')).toEqual(['2026-03-09'])
    // The visit names the policy it was planned by as the listing does: the province's division code.
    const planned = await rt.call('GET', '/visits/c-province.c-province-resolved-v1', { as: zhao })
    expect(planned.body).toMatchObject({ policyRegion: '330000', policyVersion: 1 })

    expect((await save('330100', policyOf(14))).status).toBe(200)
    expect(await dueDatesOfNewMatter('c-city')).toEqual(['2026-03-16'])

    expect((await save('330106', policyOf(21))).status).toBe(200)
    expect(await dueDatesOfNewMatter('c-county')).toEqual(['2026-03-23'])

    expect((await save('330106009001', policyOf(28))).status).toBe(200)
    expect(await dueDatesOfNewMatter('c-village')).toEqual(['2026-03-30'])
  })

  it('lists, for a region, the policy that applies there and the versions saved for it', async () => {
    const listed = async (regionCode: string) => {
      const r = await rt.call('GET', `/admin/cadence-policies/${regionCode}`, { as: admin })
      expect(r.status).toBe(200)
      return r.body.triggers.find((t: { trigger: string }) => t.trigger === 'resolved')
    }
    // The province's own policy, saved as 330000, is listed under 330000 and applies there.
    const province = await listed('330000')
    expect(province.effective).toMatchObject({ from: '330000', version: 1, policy: policyOf(7) })
    expect(province.history.map((h: { version: number }) => h.version)).toEqual([1])
    // A city without a policy of its own but the one saved for 330100: the city's.
    expect((await listed('330100')).effective).toMatchObject({ from: '330100', policy: policyOf(14) })
    // Another city of the province: the province's.
    const ningbo = await listed('330200')
    expect(ningbo.effective).toMatchObject({ from: '330000', policy: policyOf(7) })
    expect(ningbo.history).toEqual([])
    // A township between the county and the village: the county's.
    expect((await listed('330106009000')).effective).toMatchObject({ from: '330106', policy: policyOf(21) })
    expect((await listed('330106009001')).effective).toMatchObject({
      from: '330106009001',
      policy: policyOf(28),
    })
  })

  it('answers the saved version under the region code it was given, a second save being version 2', async () => {
    const again = await save('330000', policyOf(8))
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ regionCode: '330000', trigger: 'resolved', version: 2 })
    // The same region written with 12 digits is the same policy.
    const longForm = await save('330000000000', policyOf(9))
    expect(longForm.body).toMatchObject({ regionCode: '330000', version: 3 })
  })
})

describe('the offsets of a policy', () => {
  const problemsOf = async (policy: unknown) => {
    const r = await save('330106', policy)
    expect(r.status).toBe(400)
    return r.body.problems
  }

  it('refuses an offset past its bound, naming the field: a year of working days, two years, a day of minutes', async () => {
    const visits = (unit: string, value: number) => ({ ...policyOf(1), visits: [{ unit, value }] })
    expect(await problemsOf(visits('workingDays', 1_000_000))).toEqual([
      { field: 'policy.visits[0].value', reason: 'must be at most 250 (working days, about a year)' },
    ])
    const huge = await problemsOf(visits('workingDays', 2 ** 53))
    expect(huge).toContainEqual({
      field: 'policy.visits[0].value',
      reason: 'must be at most 250 (working days, about a year)',
    })
    expect(huge.map((p: { field: string }) => p.field)).toEqual(huge.map(() => 'policy.visits[0].value'))
    expect(await problemsOf(visits('calendarDays', 731))).toEqual([
      { field: 'policy.visits[0].value', reason: 'must be at most 730 (calendar days, two years)' },
    ])
    expect(await problemsOf(visits('minutes', 1441))).toEqual([
      { field: 'policy.visits[0].value', reason: 'must be at most 1440 (minutes, one day)' },
    ])
    expect(
      await problemsOf({ ...policyOf(1), reminders: [{ unit: 'workingDays', before: 21, at: '09:00' }] }),
    ).toEqual([
      {
        field: 'policy.reminders[0].before',
        reason: 'must be at most 20 (working days before the due day, about a month)',
      },
    ])
    // At the bounds, saved; and the planner is not crashed by what was refused.
    expect((await save('330106', visits('workingDays', 250))).status).toBe(200)
    expect((await save('330106', visits('calendarDays', 730))).status).toBe(200)
    expect(await dueDatesOfNewMatter('c-far')).toEqual(['2026-03-30'])
  })

  it('refuses a field it does not know, naming it', async () => {
    const problems = await problemsOf({
      ...policyOf(1),
      visits: [{ unit: 'calendarDays', value: 3, valeu: 4 }],
    })
    expect(problems).toEqual([
      { field: 'policy.visits[0].valeu', reason: expect.stringContaining('"valeu"') },
    ])
  })
})

describe('policies the planner cannot take', () => {
  it('refuses a policy whose planning would pass the 100 writes of one transaction, naming visits', async () => {
    const r = await save('330106', {
      trigger: 'resolved',
      visits: Array.from({ length: 10 }, (_, i) => ({ unit: 'calendarDays', value: 30 * (i + 1) })),
      reminders: Array.from({ length: 5 }, (_, i) => ({ unit: 'workingDays', before: i, at: '09:00' })),
    })
    expect(r.status).toBe(400)
    expect(r.body.problems).toEqual([
      {
        field: 'policy.visits',
        reason:
          '10 visits with 5 reminders each make 112 writes to plan in one transaction, over its limit of 100: fewer ' +
          'visits or fewer reminders',
      },
    ])
  })

  it('plans by the region above when a stored policy no longer meets the limits, instead of failing every event', async () => {
    expect((await save('330106', policyOf(21))).status).toBe(200)
    // Saved before the limits (three years of days), as an older version would have stored it.
    await rt.deps.store.CadencePolicy.build(PutItemCommand)
      .item({
        regionCode: '330106009001',
        trigger: 'resolved',
        policy: { trigger: 'resolved', visits: [{ unit: 'calendarDays', value: 1095 }], reminders: [] },
        version: 9,
        updatedAt: '2025-01-01T00:00:00.000Z',
        updatedBy: 'old-admin',
      })
      .send()
    expect(await dueDatesOfNewMatter('c-old-policy')).toEqual(['2026-03-23']) // the county's 21 days
  })
})
