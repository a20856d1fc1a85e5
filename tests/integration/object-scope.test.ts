// An object addressed by id outside the caller's region scope is answered as one that does not exist: the answer
// tells neither that it exists nor where. Region routes, roles and the assigned officer keep their 403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, seedRegion, startTestRuntime, type TestRuntime } from '../fixtures/runtime.ts'

const supervisor = { sub: 'zhao', role: 'supervisor', region: '330106' } as const
/** A supervisor of Jiangsu: Li, her matter and its visits are in Zhejiang (330106009001). */
const otherProvince = { sub: 'sun', role: 'supervisor', region: '320000' } as const
const otherProvinceAdmin = { sub: 'sun-admin', role: 'admin', region: '320000' } as const
const provinceSupervisor = { sub: 'zhou', role: 'supervisor', region: '330000' } as const

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  await seedRegion(rt)
  const created = await rt.call('POST', '/matters', {
    as: supervisor,
    body: { matterId: 'c-1', petitionerId: 'li', category: '劳动保障', summary: '欠薪' },
  })
  expect(created.status).toBe(201)
  const resolved = await rt.call('POST', '/matters/c-1/events', {
    as: supervisor,
    body: { type: 'resolved', eventId: 'ev' },
  })
  expect(resolved.status).toBe(201)
  await rt.drain()
  expect((await rt.call('GET', '/visits/c-1.ev-v1', { as: supervisor })).status).toBe(200)
})
afterAll(async () => rt?.stop())

type Answer = Awaited<ReturnType<TestRuntime['call']>>

/**
 * Two answers that differ only by the id asked for: same status, same headers that describe the body, and the
 * same JSON once the one id stands for the other (the ids have the same length, so the bodies have too).
 */
const expectAlike = (outside: Answer, absent: Answer, id: string, absentId: string) => {
  expect(absentId).toHaveLength(id.length)
  expect(outside.status).toBe(absent.status)
  for (const header of ['content-type', 'content-length'])
    expect(outside.headers.get(header), header).toBe(absent.headers.get(header))
  const asAbsent = JSON.stringify(outside.body).replace(new RegExp(`\\b${id}\\b`, 'g'), absentId)
  expect(JSON.parse(asAbsent)).toEqual(absent.body)
  expect(JSON.stringify(outside.body)).not.toMatch(/330106|330000|西溪|西湖/)
}

describe('an object outside the scope is answered as a missing one', () => {
  it('answers a supervisor of another province 404 for a visit, exactly as for a visit that does not exist', async () => {
    const outside = await rt.call('GET', '/visits/c-1.ev-v1', { as: otherProvince })
    const absent = await rt.call('GET', '/visits/c-1.ev-v9', { as: otherProvince })
    expect(outside.status).toBe(404)
    expect(outside.body).toEqual({ error: 'NotFoundError', message: 'visit c-1.ev-v1 not found' })
    expect(absent.body).toEqual({ error: 'NotFoundError', message: 'visit c-1.ev-v9 not found' })
    expectAlike(outside, absent, 'c-1.ev-v1', 'c-1.ev-v9')
    // Writes too, before anything about the visit is checked (this one is planned, a cancel would be allowed).
    const cancel = { reason: '信访人已去世' }
    expectAlike(
      await rt.call('POST', '/visits/c-1.ev-v1/cancel', {
        as: otherProvinceAdmin,
        body: cancel,
      }),
      await rt.call('POST', '/visits/c-1.ev-v9/cancel', {
        as: otherProvinceAdmin,
        body: cancel,
      }),
      'c-1.ev-v1',
      'c-1.ev-v9',
    )
    // The province's own supervisor reads it, and the visit was left planned.
    const own = await rt.call('GET', '/visits/c-1.ev-v1', { as: provinceSupervisor })
    expect(own.status).toBe(200)
    expect(own.body).toMatchObject({ visitId: 'c-1.ev-v1', status: 'planned' })
  })

  it('answers the same for a matter, its audit trail and a notification', async () => {
    for (const [path, absentPath, id, absentId] of [
      ['/matters/c-1', '/matters/c-9', 'c-1', 'c-9'],
      ['/audit/matter/c-1', '/audit/matter/c-9', 'c-1', 'c-9'],
      ['/audit/petitioner/li', '/audit/petitioner/lu', 'li', 'lu'],
      [
        '/notifications/sms-c-1.ev-petitioner',
        '/notifications/sms-c-1.ex-petitioner',
        'sms-c-1.ev-petitioner',
        'sms-c-1.ex-petitioner',
      ],
    ] as const) {
      const outside = await rt.call('GET', path, { as: otherProvince })
      expect([path, outside.status, outside.body.error]).toEqual([path, 404, 'NotFoundError'])
      expectAlike(outside, await rt.call('GET', absentPath, { as: otherProvince }), id, absentId)
    }
    expect((await rt.call('GET', '/audit/matter/c-1', { as: otherProvince })).body.message).toBe(
      'audit trail of matter c-1 not found',
    )
  })

  it("answers an officer elsewhere 404 on the assigned officer's actions; an officer of the region not assigned, 403", async () => {
    const at = { at: '2026-03-05T06:30:00Z' }
    const elsewhere = { sub: 'sun-officer', role: 'officer', region: '320000' } as const
    const outside = await rt.call('POST', '/visits/c-1.ev-v1/appointment', { as: elsewhere, body: at })
    expect(outside.status).toBe(404)
    expectAlike(
      outside,
      await rt.call('POST', '/visits/c-1.ev-v9/appointment', { as: elsewhere, body: at }),
      'c-1.ev-v1',
      'c-1.ev-v9',
    )
    // In the region the officer may read the visit anyway: being told it is another's tells nothing new.
    const notTheirs = await rt.call('POST', '/visits/c-1.ev-v1/appointment', {
      as: { sub: 'zheng', role: 'officer', region: '330106' },
      body: at,
    })
    expect(notTheirs.status).toBe(403)
    expect(notTheirs.body).toEqual({
      error: 'ForbiddenError',
      message: 'visit c-1.ev-v1 is assigned to another officer',
    })
  })

  it('answers an id named in a body outside the scope as one that does not exist', async () => {
    // A petitioner of another province: the field problem of a missing petitioner.
    const register = (petitionerId: string) =>
      rt.call('POST', '/matters', {
        as: otherProvince,
        body: { matterId: 'c-js', petitionerId, category: '劳动保障', summary: '欠薪' },
      })
    const li = await register('li')
    expect(li.status).toBe(400)
    expect(li.body.problems).toEqual([{ field: 'petitionerId', reason: 'petitioner li not found' }])
    expectAlike(li, await register('lu'), 'li', 'lu')
    // Opting out a number, naming a petitioner of another province: the 404 of a missing petitioner.
    const optOut = (petitionerId: string) =>
      rt.call('POST', '/admin/opt-outs', {
        as: otherProvince,
        body: { phone: '+8613900139000', optedOut: true, petitionerId },
      })
    const named = await optOut('li')
    expect(named.status).toBe(404)
    expectAlike(named, await optOut('lu'), 'li', 'lu')
    // Reassigning to an officer of another county: the field problem of an officer who does not exist.
    await rt.call('POST', '/admin/units', {
      as: admin,
      body: { unitId: 'gongshu', name: '拱墅区信访局', regionCode: '330105', level: 'county' },
    })
    const created = await rt.call('POST', '/admin/officers', {
      as: admin,
      body: { officerId: 'qian', name: '钱进', phone: '13600136000', unitId: 'gongshu' },
    })
    expect(created.status).toBeLessThan(300)
    const reassign = (officerId: string) =>
      rt.call('POST', '/visits/c-1.ev-v1/reassign', { as: supervisor, body: { officerId, reason: '调整' } })
    const other = await reassign('qian')
    expect(other.status).toBe(400)
    expect(other.body.problems).toEqual([
      { field: 'officerId', reason: 'qian is not an active officer in your scope' },
    ])
    expectAlike(other, await reassign('none'), 'qian', 'none')
  })

  it('answers a directory write naming a unit of another province as a missing unit, and a taken id as taken, not where', async () => {
    const nanjing = await rt.call('POST', '/admin/units', {
      as: otherProvinceAdmin,
      body: { unitId: 'nanjing', name: '南京市信访局', regionCode: '320100', level: 'city' },
    })
    expect(nanjing.status).toBe(201)
    // A staff record, a petitioner or a child unit placed in a unit of Zhejiang: "does not exist", as for none.
    for (const [path, body] of [
      [
        '/admin/officers',
        (unitId: string) => ({ officerId: 'ma', name: '马', phone: '13600136001', unitId }),
      ],
      [
        '/admin/petitioners',
        (unitId: string) => ({ petitionerId: 'ma', name: '马', phone: '13600136001', unitId }),
      ],
      [
        '/admin/units',
        (parentUnitId: string) => ({
          unitId: 'jn-1',
          name: '江宁区信访局',
          regionCode: '320115',
          level: 'county',
          parentUnitId,
        }),
      ],
    ] as const) {
      const outside = await rt.call('POST', path, { as: otherProvinceAdmin, body: body('county') })
      expect(outside.status, path).toBe(400)
      expect(JSON.stringify(outside.body.problems)).toContain('unit county does not exist')
      expectAlike(
        outside,
        await rt.call('POST', path, { as: otherProvinceAdmin, body: body('nobody') }),
        'county',
        'nobody',
      )
    }
    // An id used in Zhejiang cannot be taken over from Jiangsu: 409, "in use", with neither its region nor its record.
    for (const [path, body, field] of [
      [
        '/admin/officers',
        { officerId: 'wang', name: '王', phone: '13600136001', unitId: 'nanjing' },
        'officerId',
      ],
      [
        '/admin/petitioners',
        { petitionerId: 'li', name: '李', phone: '13600136001', unitId: 'nanjing' },
        'petitionerId',
      ],
      [
        '/admin/units',
        { unitId: 'township', name: '某街道', regionCode: '320115', level: 'township' },
        'unitId',
      ],
    ] as const) {
      const taken = await rt.call('POST', path, { as: otherProvinceAdmin, body })
      expect(taken.status, path).toBe(409)
      const id = Object.values(body)[0]
      expect(taken.body).toEqual({
        error: 'ConflictError',
        message: `${field}: ${id} is already in use; choose another`,
      })
    }
    // Replacing one of them from Jiangsu: the 404 of a record that does not exist, whichever it is.
    for (const [path, body, id, absent] of [
      ['/admin/officers', { name: '王', phone: '13600136001', unitId: 'nanjing' }, 'wang', 'wong'],
      ['/admin/petitioners', { name: '李', phone: '13600136001', unitId: 'nanjing' }, 'li', 'lu'],
      ['/admin/units', { name: '某街道', regionCode: '320115', level: 'township' }, 'township', 'townshap'],
    ] as const) {
      const replaced = await rt.call('PUT', `${path}/${id}`, { as: otherProvinceAdmin, body })
      expect(replaced.status, path).toBe(404)
      expectAlike(
        replaced,
        await rt.call('PUT', `${path}/${absent}`, { as: otherProvinceAdmin, body }),
        id,
        absent,
      )
    }
    // Wang and Li are as they were.
    const wangNow = await rt.call('GET', '/officers/wang/worklist', { as: supervisor })
    expect(wangNow.status).toBe(200)
  })
})

describe('a unit keeps its region', () => {
  it('refuses to move a unit to another region: its staff, petitioners and child units took their region from it', async () => {
    const moved = await rt.call('PUT', '/admin/units/township', {
      as: admin,
      body: {
        name: '西溪街道',
        regionCode: '330106010000',
        level: 'township',
        parentUnitId: 'county',
      },
    })
    expect(moved.status).toBe(409)
    expect(moved.body.message).toBe(
      'regionCode: unit township is in region 330106009000 and cannot move to 330106010000; create a unit in the new ' +
        'region and move its people there',
    )
    const renamed = await rt.call('PUT', '/admin/units/township', {
      as: admin,
      body: {
        name: '西溪街道办事处',
        regionCode: '330106009000',
        level: 'township',
        parentUnitId: 'county',
      },
    })
    expect(renamed.status).toBe(200)
  })
})

describe('what keeps its 403', () => {
  it('answers 403 for a region route outside the scope: the caller named the region', async () => {
    const board = await rt.call('GET', '/regions/330106/board', { as: otherProvince })
    expect(board.status).toBe(403)
    expect(board.body).toEqual({
      error: 'ForbiddenError',
      message: 'region 330106 is outside your scope 320000',
    })
    expect(
      (await rt.call('GET', '/regions/330106/notifications/unknown', { as: otherProvince })).status,
    ).toBe(403)
  })

  it('answers 403 to a role the route does not admit, in the scope or not, before looking anything up', async () => {
    const form = { reached: true, method: 'phone', satisfaction: 'satisfied', repeatPetitionRisk: 'low' }
    for (const region of ['330106', '320000']) {
      for (const visitId of ['c-1.ev-v1', 'c-1.ev-v9']) {
        const r = await rt.call('POST', `/visits/${visitId}/outcome`, {
          as: { sub: `wu-${region}`, role: 'committee', region },
          body: form,
        })
        expect([region, visitId, r.status, r.body.error]).toEqual([region, visitId, 403, 'ForbiddenError'])
      }
    }
  })
})
