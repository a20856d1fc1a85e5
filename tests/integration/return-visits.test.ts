// Return visits over the HTTP API, end to end on the local emulators with a controllable clock: the reminder,
// the overdue ladder and the accountability ledger, outcomes and what they lead to, assignment, and the views.
import { afterEach, describe, expect, it } from 'vitest'
import { fireOfficeTimer as fireTimer } from '../../functions/scheduling/fire.ts'
import { routes } from '../../shared/platform/http/all-routes.ts'
import { startTestRuntime } from '../fixtures/answers.ts'
import { admin, seedRegion, type TestRuntime } from '../fixtures/runtime.ts'

const supervisor = { sub: 'zhao', role: 'supervisor', region: '330106' } as const
const officer = { sub: 'wang', role: 'officer', region: '330106009000' } as const
const OFFICER_WANG = '+8613800138000'
const SUPERVISOR_ZHAO = '+8613700137000'

let rt: TestRuntime
afterEach(async () => rt?.stop())

const smsTo = async (phone: string) => (await rt.localSms.list()).filter((sms) => sms.phone === phone)

/** Moves the clock and lets the minute sweeper and the queues do what falls due. */
const at = async (instant: string) => {
  rt.clock.set(instant)
  await rt.sweep()
  await rt.drain()
}

/** Resolved on Friday 2026-02-13 (Saturdays 02-14 and 02-28 are working days; 02-15…02-23 the Spring Festival). */
const resolvedBeforeSpringFestival = async (options: Parameters<typeof startTestRuntime>[1] = {}) => {
  rt = await startTestRuntime('2026-02-13T02:00:00Z', options)
  await seedRegion(rt)
  expect(
    (
      await rt.call('POST', '/matters', {
        as: supervisor,
        body: { matterId: 'c-1', petitionerId: 'li', category: '征地拆迁', summary: '安置补偿' },
      })
    ).status,
  ).toBe(201)
  expect(
    (
      await rt.call('POST', '/matters/c-1/events', {
        as: supervisor,
        body: { type: 'resolved', eventId: 'ev' },
      })
    ).status,
  ).toBe(201)
  await rt.drain()
}

/** The actions of a subject's audit trail, oldest first. */
const auditActions = async (subjectType: string, subjectId: string) =>
  (await rt.call('GET', `/audit/${subjectType}/${subjectId}`, { as: supervisor })).body.entries.map(
    (e: { action: string }) => e.action,
  )

const outcome = (over: Record<string, unknown> = {}) => ({
  reached: true,
  method: 'home-visit',
  satisfaction: 'satisfied',
  repeatPetitionRisk: 'low',
  ...over,
})

describe('the overdue ladder (the example of the issue)', () => {
  it('reminds on 02-26, tells the supervisor on 03-03, records accountability once on 03-09, also with every timer twice', async () => {
    await resolvedBeforeSpringFestival({ duplicateDelivery: true })
    const visit = await rt.call('GET', '/visits/c-1.ev-v1', { as: officer })
    expect(visit.body).toMatchObject({ dueDate: '2026-03-02', officerId: 'wang' })

    await at('2026-02-26T01:00:00Z')
    expect((await smsTo(OFFICER_WANG)).map((s) => s.sentAt)).toEqual(['2026-02-26T01:00:00.000Z'])

    await at('2026-03-02T01:00:00Z') // 09:00 on the day: the second reminder
    expect(await smsTo(OFFICER_WANG)).toHaveLength(2)
    expect(await smsTo(SUPERVISOR_ZHAO)).toEqual([])

    await at('2026-03-03T01:00:00Z') // one working day late
    const toSupervisor = await smsTo(SUPERVISOR_ZHAO)
    expect(toSupervisor).toHaveLength(1)
    expect(toSupervisor[0]?.text).toBe(
      '【回访督办】赵强：王芳负责的信访事项c-1第1次回访已逾期（应于2026-03-02完成）。',
    )
    const board = await rt.call('GET', '/regions/330106/board?month=2026-03', { as: supervisor })
    expect(board.body.overdueByOfficer).toEqual({ wang: 1 })
    expect(board.body.overdueByUnit).toEqual({ township: 1 })
    expect(board.body.flags).toEqual([expect.objectContaining({ kind: 'overdue', visitId: 'c-1.ev-v1' })])
    expect(
      (await rt.call('GET', '/regions/330106/accountability?month=2026-03', { as: supervisor })).body.entries,
    ).toEqual([])

    await at('2026-03-06T01:00:00Z') // four working days late: nothing yet
    expect(
      (await rt.call('GET', '/regions/330106/accountability?month=2026-03', { as: supervisor })).body.entries,
    ).toEqual([])

    await at('2026-03-09T01:00:00Z') // five working days late
    await at('2026-03-09T01:10:00Z')
    const ledger = await rt.call('GET', '/regions/330106/accountability?month=2026-03', { as: supervisor })
    expect(ledger.body.entries).toEqual([
      expect.objectContaining({
        kind: 'overdue',
        visitId: 'c-1.ev-v1',
        officerId: 'wang',
        unitId: 'township',
        dueDate: '2026-03-02',
      }),
    ])

    // Completing late closes the ladder and keeps the record.
    rt.clock.set('2026-03-10T03:00:00Z')
    const done = await rt.call('POST', '/visits/c-1.ev-v1/outcome', { as: officer, body: outcome() })
    expect(done.status).toBe(200)
    expect(done.body).toMatchObject({ status: 'completed', completedOnTime: false })
    const after = await rt.call('GET', '/regions/330106/accountability?month=2026-03', { as: supervisor })
    expect(after.body.entries.map((e: { kind: string }) => e.kind)).toEqual(['overdue', 'completed-late'])
    const lateBoard = await rt.call('GET', '/regions/330106/board?month=2026-03', { as: supervisor })
    expect(lateBoard.body).toMatchObject({ onTimeCompletionRate: 0, overdueByOfficer: {}, reachRate: 100 })
    expect(await auditActions('visit', 'c-1.ev-v1')).toEqual([
      'visit.overdue-flagged',
      'accountability.recorded',
      'visit.completed',
    ])
  }, 120_000)

  it('tells the supervisor once and records accountability once when the same ladder timer fires twice at once', async () => {
    await resolvedBeforeSpringFestival()
    const twiceAtOnce = async (instant: string, timerId: string) => {
      rt.clock.set(instant)
      await rt.sweep() // enqueued: both firings find it still to act on
      const message = { timerId, dueAt: new Date(instant).toISOString() }
      await Promise.all([fireTimer(rt.deps, message), fireTimer(rt.deps, message)])
      await rt.drain() // and the queue's own copy, a third time
    }
    await twiceAtOnce('2026-03-03T01:00:00Z', 'c-1.ev-v1-o1')
    await twiceAtOnce('2026-03-09T01:00:00Z', 'c-1.ev-v1-o2')
    expect(await smsTo(SUPERVISOR_ZHAO)).toHaveLength(1)
    const ledger = await rt.call('GET', '/regions/330106/accountability?month=2026-03', { as: supervisor })
    expect(ledger.body.entries).toHaveLength(1)
    const actions = await auditActions('visit', 'c-1.ev-v1')
    expect(actions.filter((a: string) => a === 'visit.overdue-flagged')).toHaveLength(1)
    expect(actions.filter((a: string) => a === 'accountability.recorded')).toHaveLength(1)
  }, 60_000)

  it('writes no ladder when the visit is done on time', async () => {
    await resolvedBeforeSpringFestival()
    rt.clock.set('2026-03-02T06:00:00Z')
    expect(
      (await rt.call('POST', '/visits/c-1.ev-v1/outcome', { as: officer, body: outcome() })).body
        .completedOnTime,
    ).toBe(true)
    await at('2026-03-03T01:00:00Z')
    await at('2026-03-09T01:00:00Z')
    expect(await smsTo(SUPERVISOR_ZHAO)).toEqual([])
    const board = await rt.call('GET', '/regions/330106/board?month=2026-03', { as: supervisor })
    expect(board.body).toMatchObject({ onTimeCompletionRate: 100, satisfactionRate: 100, flags: [] })
    expect(
      (await rt.call('GET', '/regions/330106/accountability?month=2026-03', { as: supervisor })).body.entries,
    ).toEqual([])
  }, 60_000)
})

describe('outcomes', () => {
  it('adds an extra visit within five working days and flags the supervisor when the petitioner is dissatisfied', async () => {
    await resolvedBeforeSpringFestival()
    rt.clock.set('2026-03-02T06:00:00Z')
    const r = await rt.call('POST', '/visits/c-1.ev-v1/outcome', {
      as: officer,
      body: outcome({
        satisfaction: 'dissatisfied',
        repeatPetitionRisk: 'medium',
        problemsFound: ['补偿款未足额发放'],
        newDemands: ['要求补发差额'],
      }),
    })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      status: 'completed',
      flags: ['dissatisfied'],
      extraVisitId: 'c-1.ev-v1-x',
    })
    const extra = await rt.call('GET', '/visits/c-1.ev-v1-x', { as: officer })
    expect(extra.body).toMatchObject({
      kind: 'extra',
      status: 'planned',
      dueDate: '2026-03-09',
      officerId: 'wang',
    })
    await rt.drain()
    expect((await smsTo(SUPERVISOR_ZHAO))[0]?.text).toContain('回访不满意')
    const board = await rt.call('GET', '/regions/330106/board?month=2026-03', { as: supervisor })
    expect(board.body.flags).toEqual([
      expect.objectContaining({ kind: 'dissatisfied', visitId: 'c-1.ev-v1' }),
    ])
    expect(board.body.satisfactionRate).toBe(0)
    expect(await auditActions('visit', 'c-1.ev-v1-x')).toEqual(['visit.planned-extra'])
    const trail = await rt.call('GET', '/audit/visit/c-1.ev-v1', { as: supervisor })
    expect(trail.body.entries.at(-1)).toMatchObject({
      actor: 'wang',
      action: 'visit.completed',
      at: '2026-03-02T06:00:00.000Z',
      before: { status: 'planned' },
      after: { status: 'completed', flags: ['dissatisfied'], extraVisit: 'c-1.ev-v1-x' },
    })
  })

  it('answers the same form sent again with the same result, telling the supervisor once; another form is refused', async () => {
    await resolvedBeforeSpringFestival()
    rt.clock.set('2026-03-02T06:00:00Z')
    const form = outcome({ satisfaction: 'dissatisfied' })
    const first = await rt.call('POST', '/visits/c-1.ev-v1/outcome', { as: officer, body: form })
    const again = await rt.call('POST', '/visits/c-1.ev-v1/outcome', { as: officer, body: form })
    expect(again.status).toBe(200)
    expect(again.body).toEqual(first.body)
    await rt.drain()
    expect(await smsTo(SUPERVISOR_ZHAO)).toHaveLength(1)
    expect(await auditActions('visit', 'c-1.ev-v1')).toEqual(['visit.completed'])
    const other = await rt.call('POST', '/visits/c-1.ev-v1/outcome', { as: officer, body: outcome() })
    expect(other.status).toBe(409)
  })

  it('flags a high risk of a repeat petition and lists the petitioner on the board', async () => {
    await resolvedBeforeSpringFestival()
    rt.clock.set('2026-03-02T06:00:00Z')
    const r = await rt.call('POST', '/visits/c-1.ev-v1/outcome', {
      as: officer,
      body: outcome({ repeatPetitionRisk: 'high' }),
    })
    expect(r.body.flags).toEqual(['high-risk'])
    expect(r.body.extraVisitId).toBe('c-1.ev-v1-x')
    expect((await rt.call('GET', '/visits/c-1.ev-v1-x', { as: officer })).body).toMatchObject({
      kind: 'extra',
      dueDate: '2026-03-09',
    })
    const board = await rt.call('GET', '/regions/330106/board?month=2026-03', { as: supervisor })
    expect(board.body.highRiskPetitioners).toEqual(['li'])
  })

  it('keeps each attempt that did not reach the petitioner, and tells the supervisor at the third', async () => {
    await resolvedBeforeSpringFestival()
    rt.clock.set('2026-03-02T06:00:00Z')
    for (let i = 1; i <= 3; i++) {
      const form = {
        reached: false,
        notReachedReason: 'phone-unanswered',
        method: 'phone',
        notes: `第${i}次拨打13512345678无人接听`,
        submissionId: `attempt-000${i}`,
      }
      const r = await rt.call('POST', '/visits/c-1.ev-v1/outcome', { as: officer, body: form })
      expect(r.body.status).toBe('planned')
      expect(r.body.unreached).toHaveLength(i)
      expect(r.body.flags).toEqual(i === 3 ? ['not-reached'] : [])
      // Sent again with the same key (a retry): kept once, answered alike.
      const again = await rt.call('POST', '/visits/c-1.ev-v1/outcome', { as: officer, body: form })
      expect(again.body.unreached).toHaveLength(i)
      expect(again.body.flags).toEqual(r.body.flags)
    }
    const seen = (await rt.call('GET', '/visits/c-1.ev-v1', { as: officer })).body
    expect(seen.unreached.map((a: { notes: string }) => a.notes)).toEqual([
      '第1次拨打13512345678无人接听',
      '第2次拨打13512345678无人接听',
      '第3次拨打13512345678无人接听',
    ])
    const { GetItemCommand } = await import('dynamodb-toolbox')
    const { Item: stored } = await rt.deps.store.Visit.build(GetItemCommand)
      .key({ visitId: 'c-1.ev-v1' })
      .send()
    expect(JSON.stringify(stored)).not.toContain('13512345678')
    // A key names one form: the same key on another form is refused.
    const reused = await rt.call('POST', '/visits/c-1.ev-v1/outcome', {
      as: officer,
      body: outcome({ submissionId: 'attempt-0001' }),
    })
    expect(reused.status).toBe(409)
    // The same attempt sent twice at once: both answered, kept once.
    const form = {
      reached: false,
      notReachedReason: 'not-at-home',
      method: 'home-visit',
      submissionId: 'attempt-0004',
    }
    const both = await Promise.all([
      rt.call('POST', '/visits/c-1.ev-v1/outcome', { as: officer, body: form }),
      rt.call('POST', '/visits/c-1.ev-v1/outcome', { as: officer, body: form }),
    ])
    expect(both.map((r) => [r.status, r.body.unreached.length])).toEqual([
      [200, 4],
      [200, 4],
    ])
    await rt.drain()
    expect((await smsTo(SUPERVISOR_ZHAO))[0]?.text).toContain('三次未能联系上信访人')
    const board = await rt.call('GET', '/regions/330106/board?month=2026-03', { as: supervisor })
    expect(board.body.reachRate).toBe(0)
  })

  it("records a hardship nomination with the officer's reason, kept encrypted and shown only to whom it concerns", async () => {
    await resolvedBeforeSpringFestival()
    rt.clock.set('2026-03-02T06:00:00Z')
    const reason = '家中两位老人长期患病，无固定收入'
    const notes = '信访人之子在外务工，电话13512345678'
    const r = await rt.call('POST', '/visits/c-1.ev-v1/outcome', {
      as: officer,
      body: outcome({ hardship: { observed: true, reason }, notes }),
    })
    expect(r.body).toMatchObject({
      nominated: true,
      outcome: { hardship: { observed: true, reason }, notes },
    })
    const { GetItemCommand } = await import('dynamodb-toolbox')
    const { store, crypto } = rt.deps
    const { Item: nomination } = await store.Nomination.build(GetItemCommand)
      .key({ year: '2026', nominationId: 'visit-c-1.ev-v1' })
      .send()
    expect(nomination).toMatchObject({ petitionerId: 'li', nominatedBy: 'wang', source: 'visit' })
    expect(
      await crypto.decrypt(nomination?.reasonCipher ?? '', {
        entity: 'Nomination',
        field: 'reason',
        id: 'visit-c-1.ev-v1',
      }),
    ).toBe(reason)
    // At rest, neither the visit, nor its audit entry, nor the supervisor's flag holds the text.
    const { Item: stored } = await store.Visit.build(GetItemCommand).key({ visitId: 'c-1.ev-v1' }).send()
    const trail = await rt.call('GET', '/audit/visit/c-1.ev-v1', { as: supervisor })
    for (const record of [nomination, stored, trail.body]) {
      expect(JSON.stringify(record)).not.toContain('老人')
      expect(JSON.stringify(record)).not.toContain('13512345678')
    }
    expect(stored?.outcome).toMatchObject({ hardshipObserved: true, satisfaction: 'satisfied' })
    expect((await rt.call('GET', '/visits/c-1.ev-v1', { as: supervisor })).body.outcome).toMatchObject({
      notes,
      hardship: { reason },
    })
    const otherOfficer = { sub: 'sun', role: 'officer', region: '330106' } as const
    const seen = (await rt.call('GET', '/visits/c-1.ev-v1', { as: otherOfficer })).body
    expect(seen.outcome).toMatchObject({ hardshipObserved: true, satisfaction: 'satisfied' })
    expect(seen.outcome.notes).toBeUndefined()
    expect(JSON.stringify(seen)).not.toContain('13512345678')
    // The same form again is recognised through the encrypted text.
    const again = await rt.call('POST', '/visits/c-1.ev-v1/outcome', {
      as: officer,
      body: outcome({ hardship: { observed: true, reason }, notes }),
    })
    expect(again.status).toBe(200)
  })

  it('names the bad field of an outcome form', async () => {
    await resolvedBeforeSpringFestival()
    const missing = await rt.call('POST', '/visits/c-1.ev-v1/outcome', {
      as: officer,
      body: { reached: true, method: 'phone' },
    })
    expect(missing.status).toBe(400)
    expect(missing.body.problems).toEqual(
      expect.arrayContaining([
        { field: 'satisfaction', reason: 'is required when the petitioner was reached' },
        { field: 'repeatPetitionRisk', reason: 'is required when the petitioner was reached' },
      ]),
    )
    const wrong = await rt.call('POST', '/visits/c-1.ev-v1/outcome', {
      as: officer,
      body: outcome({ method: 'letter' }),
    })
    expect(wrong.status).toBe(400)
    expect(wrong.body.problems[0].field).toBe('method')
    const unreached = await rt.call('POST', '/visits/c-1.ev-v1/outcome', {
      as: officer,
      body: { reached: false, method: 'phone' },
    })
    expect(unreached.body.problems).toEqual([
      { field: 'notReachedReason', reason: 'is required when the petitioner was not reached' },
    ])
  })

  it('lets the supervisor close the remaining visits after two consecutive satisfied ones, not before', async () => {
    await resolvedBeforeSpringFestival()
    rt.clock.set('2026-03-02T06:00:00Z')
    await rt.call('POST', '/visits/c-1.ev-v1/outcome', { as: officer, body: outcome() })
    const early = await rt.call('POST', '/matters/c-1/visits/close-remaining', {
      as: supervisor,
      body: { triggerEventId: 'ev', reason: '信访人满意' },
    })
    expect(early.status).toBe(409)
    rt.clock.set('2026-03-16T06:00:00Z')
    await rt.call('POST', '/visits/c-1.ev-v2/outcome', { as: officer, body: outcome() })
    const closed = await rt.call('POST', '/matters/c-1/visits/close-remaining', {
      as: supervisor,
      body: { triggerEventId: 'ev', reason: '两次回访均满意，事项稳定' },
    })
    expect(closed.body).toEqual({ matterId: 'c-1', closed: ['c-1.ev-v3'] })
    expect(await auditActions('visit', 'c-1.ev-v3')).toEqual(['visit.cancelled'])
    expect((await rt.call('GET', '/visits/c-1.ev-v3', { as: officer })).body).toMatchObject({
      status: 'cancelled',
      cancelReason: 'stop rule: 两次回访均满意，事项稳定',
    })
  })
})

describe('assignment and changes', () => {
  it('reassigns with a reason, and hands every open visit over when an officer leaves', async () => {
    await resolvedBeforeSpringFestival()
    await rt.call('POST', '/admin/officers', {
      as: admin,
      body: { officerId: 'sun', name: '孙丽', phone: '13600136000', unitId: 'township' },
    })
    const noReason = await rt.call('POST', '/visits/c-1.ev-v1/reassign', {
      as: supervisor,
      body: { officerId: 'sun' },
    })
    expect(noReason.status).toBe(400)
    expect(noReason.body.problems[0].field).toBe('reason')
    const moved = await rt.call('POST', '/visits/c-1.ev-v1/reassign', {
      as: supervisor,
      body: { officerId: 'sun', reason: '王芳休产假' },
    })
    expect(moved.body.officerId).toBe('sun')
    const reassigned = (await rt.call('GET', '/audit/visit/c-1.ev-v1', { as: supervisor })).body.entries.at(
      -1,
    )
    expect(reassigned).toMatchObject({
      actor: 'zhao',
      action: 'visit.reassigned',
      before: { officerId: 'wang', unitId: 'township' },
      after: { officerId: 'sun', unitId: 'township', reason: '王芳休产假' },
    })
    const left = await rt.call('POST', '/officers/wang/leave', { as: supervisor, body: { reason: '调任' } })
    expect(left.status).toBe(200)
    expect(left.body.handedOver).toEqual({ 'c-1.ev-v2': 'sun', 'c-1.ev-v3': 'sun' })
    const worklist = await rt.call('GET', '/officers/sun/worklist', { as: supervisor })
    expect(worklist.body.visits.map((v: { visitId: string }) => v.visitId)).toEqual([
      'c-1.ev-v1',
      'c-1.ev-v2',
      'c-1.ev-v3',
    ])
    expect((await rt.call('GET', '/officers/wang/worklist', { as: supervisor })).body.visits).toEqual([])
    // The trail shows masks, never a phone's ciphertext or blind index.
    const officerTrail = JSON.stringify(
      (await rt.call('GET', '/audit/officer/wang', { as: supervisor })).body,
    )
    expect(officerTrail).toContain('138****8000')
    expect(officerTrail).not.toMatch(/phoneIndex|phoneCipher/)
    // Created, linked to her sign-in and left at the same instant of the manual clock: the order is not asserted.
    expect((await auditActions('officer', 'wang')).sort()).toEqual([
      'officer.created',
      'officer.left',
      'officer.sign-in-linked',
    ])
    const again = await rt.call('POST', '/officers/wang/leave', { as: supervisor, body: { reason: '调任' } })
    expect(again.status).toBe(409)
  })

  it("plans by the region's policy version of the day, and leaves visits planned before a change alone", async () => {
    await resolvedBeforeSpringFestival()
    const policy = {
      trigger: 'resolved',
      visits: [{ unit: 'workingDays', value: 10 }],
      reminders: [{ unit: 'workingDays', before: 1, at: '09:00' }],
    }
    const saved = await rt.call('POST', '/admin/cadence-policies', {
      as: admin,
      body: { regionCode: '330106', policy },
    })
    expect(saved.body).toMatchObject({ regionCode: '330106', trigger: 'resolved', version: 1 })
    // Planned before the change: same dates, and it says which policy planned it.
    expect((await rt.call('GET', '/visits/c-1.ev-v1', { as: supervisor })).body).toMatchObject({
      dueDate: '2026-03-02',
      policyRegion: 'default',
      policyVersion: 0,
    })
    expect((await rt.call('GET', '/visits/c-1.ev-v3', { as: supervisor })).status).toBe(200)

    await rt.call('POST', '/matters', {
      as: supervisor,
      body: { matterId: 'c-2', petitionerId: 'li', category: '劳动保障', summary: '欠薪' },
    })
    await rt.call('POST', '/matters/c-2/events', {
      as: supervisor,
      body: { type: 'resolved', eventId: 'ev2' },
    })
    await rt.drain()
    // Ten working days after Friday 02-13: Saturday 02-14, then 02-24 … 02-28, 03-02 … 03-05.
    expect((await rt.call('GET', '/visits/c-2.ev2-v1', { as: supervisor })).body).toMatchObject({
      dueDate: '2026-03-05',
      policyRegion: '330106',
      policyVersion: 1,
    })
    expect((await rt.call('GET', '/visits/c-2.ev2-v2', { as: supervisor })).status).toBe(404)

    await rt.call('POST', '/admin/cadence-policies', {
      as: admin,
      body: { regionCode: '330106', policy: { ...policy, visits: [{ unit: 'workingDays', value: 5 }] } },
    })
    const county = await rt.call('GET', '/admin/cadence-policies/330106', { as: supervisor })
    const resolved = county.body.triggers.find((t: { trigger: string }) => t.trigger === 'resolved')
    expect(resolved.effective).toMatchObject({ from: '330106', version: 2 })
    expect(resolved.history.map((h: { version: number; savedBy: string }) => [h.version, h.savedBy])).toEqual(
      [
        [1, 'test-admin'],
        [2, 'test-admin'],
      ],
    )
    const mediated = county.body.triggers.find((t: { trigger: string }) => t.trigger === 'mediated')
    expect(mediated.effective).toMatchObject({ from: 'default', version: 0 })
    // A township inherits the county's policy.
    const township = await rt.call('GET', '/admin/cadence-policies/330106009000', { as: supervisor })
    expect(
      township.body.triggers.find((t: { trigger: string }) => t.trigger === 'resolved').effective,
    ).toMatchObject({ from: '330106', version: 2 })
    expect((await rt.call('GET', '/admin/cadence-policies/330105', { as: supervisor })).status).toBe(403)
  })

  it('balances open visits between the officers of a unit, in planning and in a hand-over', async () => {
    rt = await startTestRuntime('2026-02-13T02:00:00Z')
    await seedRegion(rt)
    for (const [officerId, name, phone] of [
      ['sun', '孙丽', '13600136000'],
      ['zhou', '周杰', '13500135000'],
    ]) {
      await rt.call('POST', '/admin/officers', {
        as: admin,
        body: { officerId, name, phone, unitId: 'township' },
      })
    }
    // Three officers with no open visits: the first event goes to the first by id, the next to the next.
    const officerOf = async (matterId: string) => {
      await rt.call('POST', '/matters', {
        as: supervisor,
        body: { matterId, petitionerId: 'li', category: '劳动保障', summary: '欠薪' },
      })
      await rt.call('POST', `/matters/${matterId}/events`, {
        as: supervisor,
        body: { type: 'stopped-visiting', eventId: `${matterId}-stop` },
      })
      await rt.drain()
      return (await rt.call('GET', `/visits/${matterId}.${matterId}-stop-v1`, { as: supervisor })).body
        .officerId
    }
    expect([await officerOf('c-1'), await officerOf('c-2'), await officerOf('c-3')]).toEqual([
      'sun',
      'wang',
      'zhou',
    ])
    expect(await officerOf('c-4')).toBe('sun')
    // Sun leaves with two open visits: Wang and Zhou have one each, so one goes to each.
    const left = await rt.call('POST', '/officers/sun/leave', { as: supervisor, body: { reason: '退休' } })
    expect(Object.values(left.body.handedOver).sort()).toEqual(['wang', 'zhou'])
  })

  it('reschedules to a working day with a reason, moving its reminder; cancels with a reason', async () => {
    await resolvedBeforeSpringFestival()
    rt.clock.set('2026-02-24T02:00:00Z')
    const holiday = await rt.call('POST', '/visits/c-1.ev-v1/reschedule', {
      as: officer,
      body: { dueDate: '2026-03-01', reason: '信访人外出' },
    })
    expect(holiday.body.problems).toEqual([{ field: 'dueDate', reason: '2026-03-01 is not a working day' }])
    const noReason = await rt.call('POST', '/visits/c-1.ev-v1/reschedule', {
      as: officer,
      body: { dueDate: '2026-03-06' },
    })
    expect(noReason.body.problems).toEqual([
      { field: 'reason', reason: 'Invalid input: expected string, received undefined' },
    ])
    const notTheirs = await rt.call('POST', '/visits/c-1.ev-v1/reschedule', {
      as: { sub: 'sun', role: 'officer', region: '330106' },
      body: { dueDate: '2026-03-06', reason: '信访人外出' },
    })
    expect(notTheirs.status).toBe(403)
    const moved = await rt.call('POST', '/visits/c-1.ev-v1/reschedule', {
      as: officer,
      body: { dueDate: '2026-03-06', reason: '信访人外出' },
    })
    expect(moved.body.dueDate).toBe('2026-03-06')
    expect((await rt.call('GET', '/audit/visit/c-1.ev-v1', { as: supervisor })).body.entries).toEqual([
      expect.objectContaining({
        actor: 'wang',
        action: 'visit.rescheduled',
        before: expect.objectContaining({ dueDate: '2026-03-02' }),
        after: expect.objectContaining({ dueDate: '2026-03-06', reason: '信访人外出' }),
      }),
    ])
    await at('2026-02-26T01:00:00Z')
    expect(await smsTo(OFFICER_WANG)).toEqual([]) // the old reminder moved
    await at('2026-03-03T01:00:00Z') // three working days before 03-06
    expect(await smsTo(OFFICER_WANG)).toHaveLength(1)
    const short = await rt.call('POST', '/visits/c-1.ev-v1/cancel', { as: supervisor, body: { reason: ' ' } })
    expect(short.body.problems).toEqual([{ field: 'reason', reason: 'must say why (at least 2 characters)' }])
    const cancelled = await rt.call('POST', '/visits/c-1.ev-v1/cancel', {
      as: supervisor,
      body: { reason: '信访人已去世' },
    })
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: '信访人已去世' })
    await at('2026-03-06T01:00:00Z')
    expect(await smsTo(OFFICER_WANG)).toHaveLength(1)
  }, 60_000)

  it("sends the petitioner the appointment time and the officer's name", async () => {
    await resolvedBeforeSpringFestival()
    rt.clock.set('2026-02-25T02:00:00Z')
    const r = await rt.call('POST', '/visits/c-1.ev-v1/appointment', {
      as: officer,
      body: { at: '2026-03-02T06:30:00Z' },
    })
    expect(r.body.appointmentAt).toBe('2026-03-02T06:30:00.000Z')
    await rt.call('POST', '/visits/c-1.ev-v1/appointment', {
      as: officer,
      body: { at: '2026-03-02T14:30:00+08:00' },
    })
    await rt.drain()
    expect(await smsTo('+8613900139000')).toHaveLength(2) // the visit planned, and one appointment
    expect(await auditActions('visit', 'c-1.ev-v1')).toEqual(['visit.appointment'])
    const sms = (await smsTo('+8613900139000')).map((s) => s.text)
    expect(sms).toContain(
      '【信访回访】李明您好：王芳将于3月2日 14:30与您联系回访，如时间不便请回复。回复TD退订。',
    )
    // Moved to 16:00, then back to 14:30: each change is told, the last one too.
    for (const time of ['2026-03-02T16:00:00+08:00', '2026-03-02T14:30:00+08:00']) {
      rt.clock.advance(60_000)
      await rt.call('POST', '/visits/c-1.ev-v1/appointment', { as: officer, body: { at: time } })
      await rt.drain() // sent at this minute, so the list is in the order of the changes
    }
    const told = (await smsTo('+8613900139000')).map((s) => s.text).filter((t) => t.includes('与您联系回访'))
    expect(told).toEqual([
      expect.stringContaining('14:30'),
      expect.stringContaining('16:00'),
      expect.stringContaining('14:30'),
    ])
  })
})

describe('views', () => {
  it("orders an officer's worklist by due date, pages it stably, and names each visit's urgency", async () => {
    await resolvedBeforeSpringFestival()
    rt.clock.set('2026-03-02T06:00:00Z')
    const page1 = await rt.call('GET', '/officers/wang/worklist?limit=2', { as: officer })
    expect(
      page1.body.visits.map((v: { visitId: string; category: string }) => [v.visitId, v.category]),
    ).toEqual([
      ['c-1.ev-v1', 'due-today'],
      ['c-1.ev-v2', 'later'],
    ])
    const page2 = await rt.call('GET', `/officers/wang/worklist?limit=2&cursor=${page1.body.nextCursor}`, {
      as: officer,
    })
    expect(page2.body.visits.map((v: { visitId: string }) => v.visitId)).toEqual(['c-1.ev-v3'])
    await rt.call('POST', '/visits/c-1.ev-v1/outcome', { as: officer, body: outcome() })
    const afterDone = await rt.call('GET', '/officers/wang/worklist?limit=2', { as: officer })
    expect(afterDone.body.visits.map((v: { visitId: string }) => v.visitId)).toEqual([
      'c-1.ev-v2',
      'c-1.ev-v3',
    ])
    expect(
      (await rt.call('GET', '/officers/wang/worklist?limit=0', { as: officer })).body.problems[0].field,
    ).toBe('query.limit')
    expect(
      (
        await rt.call('GET', '/officers/wang/worklist', {
          as: { sub: 'sun', role: 'officer', region: '330106' },
        })
      ).status,
    ).toBe(403)
  })

  it('exports the monthly summary as CSV that Excel and WPS open safely', async () => {
    await resolvedBeforeSpringFestival()
    rt.clock.set('2026-03-02T06:00:00Z')
    await rt.call('POST', '/visits/c-1.ev-v1/outcome', { as: officer, body: outcome() })
    const response = await fetch(`${rt.url}/regions/330106/reports/monthly?month=2026-03`, {
      headers: { authorization: `Bearer ${await rt.token(supervisor)}` },
    })
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="aftercare-330106-2026-03.csv"',
    )
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder().decode(bytes.slice(3))
    expect(text).toBe(
      '月份,单位,回访员,本月应回访,本月完成,按期完成,逾期未完成,联系成功率,满意率,问责记录\r\n2026-03,西溪街道,王芳,2,1,1,0,100%,100%,0\r\n',
    )
  })

  it('answers staff of another county 404 on every route that addresses an object by id, as for a missing one, and 403 on region routes', async () => {
    await resolvedBeforeSpringFestival()
    // Objects of 330106, and ids that exist nowhere, each as long as the one it stands for.
    const params: Record<string, string> = {
      visitId: 'c-1.ev-v1',
      officerId: 'wang',
      matterId: 'c-1',
      notificationId: 'sms-c-1.ev-petitioner',
      regionCode: '330106',
      subjectType: 'matter',
      subjectId: 'c-1',
    }
    const missing: Record<string, string> = {
      visitId: 'c-1.ev-v9',
      officerId: 'none',
      matterId: 'c-9',
      notificationId: 'sms-c-1.ex-petitioner',
      subjectId: 'c-9',
    }
    const bodies: Record<string, unknown> = {
      'POST /visits/{visitId}/outcome': outcome(),
      'POST /visits/{visitId}/reassign': { officerId: 'wang', reason: '调整' },
      'POST /visits/{visitId}/cancel': { reason: '调整' },
      'POST /visits/{visitId}/reschedule': { dueDate: '2026-03-06', reason: '外出' },
      'POST /visits/{visitId}/appointment': { at: '2026-03-02T06:30:00Z' },
      'POST /officers/{officerId}/leave': { reason: '调任' },
      'POST /matters/{matterId}/visits/close-remaining': { triggerEventId: 'ev', reason: '满意' },
      'POST /matters/{matterId}/events': { type: 'terminated' },
      'POST /notifications/{notificationId}/resolution': { resolution: 'sent' },
      // Routes without a path parameter, addressing something of 330106 in the body:
      'POST /matters': { matterId: 'c-qian', petitionerId: 'li', category: '劳动保障', summary: '欠薪' },
      'POST /admin/opt-outs': { phone: '+8613900139000', optedOut: true, petitionerId: 'li' },
      'POST /admin/quiet-hours': { regionCode: '330106', start: '22:00', end: '07:00' },
    }
    /** What a route answers for a region outside the caller's scope, when its path does not say it. */
    const byBody: Record<string, number> = {
      'POST /matters': 400, // petitioner li is answered as a missing petitioner: a field problem
      'POST /admin/opt-outs': 404, // petitioner li is answered as a missing petitioner
      'POST /admin/quiet-hours': 403, // the body names the region
    }
    // National data (template texts) and the SMS provider's callback have no region to be outside of.
    const unscoped = new Set(['POST /admin/templates', 'GET /admin/templates', 'POST /sms/inbound'])
    const walked = routes.filter(
      (r) =>
        ['visits-api', 'matters-api', 'notifications-api'].includes(r.function) &&
        !unscoped.has(`${r.method} ${r.path}`),
    )
    expect(walked.length).toBeGreaterThanOrEqual(21)
    const fill = (path: string, values: Record<string, string>) =>
      path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? params[name] ?? name)
    const answers: string[][] = []
    for (const route of walked) {
      const key = `${route.method} ${route.path}`
      if (route.method === 'POST') expect(bodies[key], `a body for ${key}`).toBeDefined()
      const addressed = /\{regionCode\}/.test(route.path)
        ? 'region'
        : /\{\w+\}/.test(route.path)
          ? 'object'
          : 'body'
      for (const role of route.roles) {
        const r = await rt.call(route.method, fill(route.path, {}), {
          as: { sub: `qian-${role}`, role, region: '330105' },
          body: bodies[key],
        })
        // An officer asking for another officer's worklist is refused before any lookup: nothing is told.
        const ownOnly = key === 'GET /officers/{officerId}/worklist' && role === 'officer'
        const expected =
          addressed === 'region' || ownOnly ? 403 : addressed === 'object' ? 404 : (byBody[key] ?? 0)
        answers.push([key, role, String(r.status), String(expected)])
        // A region route's 403 names the region the caller named; any other answer names none.
        if (expected !== 403) expect(JSON.stringify(r.body), `${key} as ${role}`).not.toMatch(/330106/)
        if (expected !== 404 || addressed !== 'object') continue
        // Exactly what a caller of the same role, in scope, gets for an id that exists nowhere: only the id differs.
        const absent = await rt.call(route.method, fill(route.path, missing), {
          as: { sub: `sun-${role}`, role, region: '330106' },
          body: bodies[key],
        })
        let body = JSON.stringify(r.body)
        for (const [name, value] of Object.entries(missing)) {
          if (route.path.includes(`{${name}}`)) body = body.replaceAll(params[name] ?? '', value)
        }
        expect([key, role, absent.status, JSON.parse(body)]).toEqual([key, role, 404, absent.body])
        expect(r.body.error).toBe('NotFoundError')
      }
    }
    expect(answers.filter(([, , got, expected]) => got !== expected)).toEqual([])
  }, 60_000)
})
