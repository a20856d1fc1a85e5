// The office rules of return visits that the actions decide with: ids, flags, the on-time rule, the extra visit,
// who reads the notes, moves, appointments and the stop rule.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Actor } from '../../shared/access/rules/roles.ts'
import { businessDateOf } from '../../shared/calendar/rules/business-time.ts'
import { officialCalendar } from '../../shared/calendar/rules/official-calendar.ts'
import { ConflictError, ForbiddenError, ValidationError } from '../../shared/platform/errors.ts'
import { appointmentOf, shanghaiTime } from '../../shared/visits/rules/appointment.ts'
import { extraVisitDueDate, extraVisitOf } from '../../shared/visits/rules/extra-visit.ts'
import { flagIdOf, flagLabels, flagOf } from '../../shared/visits/rules/flags.ts'
import {
  appointmentSmsId,
  extraVisitIdOf,
  flagSmsId,
  plannedSmsId,
  reminderSmsId,
  timerIdsOfVisit,
  visitIdOf,
} from '../../shared/visits/rules/ids.ts'
import { attemptOf, completedOnTime, keptAttempt, type Outcome } from '../../shared/visits/rules/outcome.ts'
import { checkReschedule, moveDetail } from '../../shared/visits/rules/reschedule.ts'
import { inCadenceOrder, visitsToClose } from '../../shared/visits/rules/stop-rule.ts'
import {
  isOverdue,
  mayReadNotes,
  requireAssignable,
  requireAssigned,
  requirePlanned,
} from '../../shared/visits/rules/visit-access.ts'
import { leftOverReminders, visitTimers } from '../../shared/visits/rules/visit-timers.ts'

const calendar = officialCalendar()
const officer: Actor = { id: 'wang', role: 'officer', regionCode: '330106009000' }
const supervisor: Actor = { id: 'zhao', role: 'supervisor', regionCode: '330106000000' }
const visit = {
  visitId: 'c-1.ev-v1',
  matterId: 'c-1',
  petitionerId: 'li',
  officerId: 'wang',
  unitId: 'village',
  regionCode: '330106009000',
  dueDate: '2026-03-02',
  status: 'planned',
  version: 3,
  sequence: 1,
}
const satisfied = { reached: true, method: 'phone', satisfaction: 'satisfied', repeatPetitionRisk: 'low' }

/** Business dates of 2026, the year whose calendar ships with the service. */
const day2026 = fc
  .integer({ min: 0, max: 364 })
  .map((n) => businessDateOf(new Date(Date.UTC(2026, 0, 1, 4) + n * 86_400_000)))
const idPart = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,11}$/)

describe('the ids of visits and of what hangs on them', () => {
  it('keeps the stored forms', () => {
    expect(visitIdOf({ matterId: 'c-1', eventId: 'ev' }, 2)).toBe('c-1.ev-v2')
    expect(extraVisitIdOf('c-1.ev-v2')).toBe('c-1.ev-v2-x')
    expect(timerIdsOfVisit({ visitId: 'c-1.ev-v1', reminderCount: 2 })).toEqual([
      'c-1.ev-v1-r1',
      'c-1.ev-v1-r2',
      'c-1.ev-v1-o1',
      'c-1.ev-v1-o2',
    ])
    expect(plannedSmsId({ matterId: 'c-1', eventId: 'ev' })).toBe('sms-c-1.ev-petitioner')
    expect(appointmentSmsId('c-1.ev-v1', 4)).toBe('sms-appointment-c-1.ev-v1-4')
    expect(reminderSmsId('c-1.ev-v1-r1', new Date('2026-02-26T01:00:00Z'))).toBe(
      'sms-c-1.ev-v1-r1-202602260100',
    )
    expect(flagSmsId('dissatisfied-c-1.ev-v1', 'zhao')).toBe('sms-flag-dissatisfied-c-1.ev-v1-zhao')
  })

  it('gives every visit of an event, and every extra visit after one, timers of its own', () => {
    fc.assert(
      fc.property(
        idPart,
        idPart,
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 5 }),
        (matterId, eventId, visits, extras, reminderCount) => {
          const ids = Array.from({ length: visits }, (_, n) =>
            visitIdOf({ matterId, eventId }, n + 1),
          ).flatMap((id, n) => {
            const chain = [id]
            for (let x = 0; x < (extras[n % extras.length] ?? 0); x++)
              chain.push(extraVisitIdOf(chain.at(-1) ?? id))
            return chain
          })
          expect(new Set(ids).size).toBe(ids.length)
          const timers = ids.flatMap((visitId) => timerIdsOfVisit({ visitId, reminderCount }))
          expect(new Set(timers).size).toBe(timers.length)
          expect(timers.every((t) => ids.some((id) => t.startsWith(`${id}-`)))).toBe(true)
        },
      ),
    )
  })

  it('names a reminder SMS by its timer and due minute: a moved reminder is a new SMS, a second firing the same', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2026-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }),
        (at) => {
          const again = new Date(at.getTime() - (at.getTime() % 60_000) + 59_000)
          expect(reminderSmsId('t-r1', again)).toBe(reminderSmsId('t-r1', at))
          expect(reminderSmsId('t-r1', new Date(again.getTime() + 1000))).not.toBe(reminderSmsId('t-r1', at))
        },
      ),
    )
  })
})

describe('visit timers', () => {
  it('dates the ladder one and five working days after the due day, after the reminders', () => {
    const timers = visitTimers(visit, [new Date('2026-02-26T01:00:00Z')], calendar)
    expect(timers.map((t) => [t.timerId, t.kind, t.dueAt.toISOString()])).toEqual([
      ['c-1.ev-v1-r1', 'visit-reminder', '2026-02-26T01:00:00.000Z'],
      ['c-1.ev-v1-o1', 'visit-overdue-supervisor', '2026-03-03T01:00:00.000Z'],
      ['c-1.ev-v1-o2', 'visit-overdue-accountability', '2026-03-09T01:00:00.000Z'],
    ])
  })

  it('voids the reminders a moved visit no longer needs, and only those', () => {
    const now = new Date('2026-02-20T02:00:00Z')
    const timers = visitTimers(visit, [new Date('2026-03-02T01:00:00Z')], calendar)
    expect(leftOverReminders({ visitId: visit.visitId, reminderCount: 3 }, timers, now)).toEqual([
      expect.objectContaining({ timerId: 'c-1.ev-v1-r2', status: 'void' }),
      expect.objectContaining({ timerId: 'c-1.ev-v1-r3', status: 'void' }),
    ])
    expect(leftOverReminders({ visitId: visit.visitId, reminderCount: 1 }, timers, now)).toEqual([])
  })
})

describe('flags', () => {
  it('flags a visit once per kind, and once per due date when overdue or moved', () => {
    expect(flagIdOf(visit, 'dissatisfied')).toBe('dissatisfied-c-1.ev-v1')
    expect(flagIdOf(visit, 'overdue')).toBe('overdue-c-1.ev-v1-2026-03-02')
    expect(flagIdOf({ ...visit, dueDate: '2026-03-09' }, 'moved-while-overdue')).toBe(
      'moved-while-overdue-c-1.ev-v1-2026-03-09',
    )
  })

  it('names what happened, in the office words, never the officer notes', () => {
    const flag = flagOf(visit, 'high-risk', new Date('2026-03-02T06:00:00Z'), flagLabels['high-risk'])
    expect(flag).toEqual({
      flagId: 'high-risk-c-1.ev-v1',
      kind: 'high-risk',
      visitId: 'c-1.ev-v1',
      matterId: 'c-1',
      petitionerId: 'li',
      officerId: 'wang',
      unitId: 'village',
      regionCode: '330106009000',
      raisedAt: '2026-03-02T06:00:00.000Z',
      detail: '重复访、越级访风险高',
    })
  })
})

describe('the outcome', () => {
  it('is on time when done on or before the due day', () => {
    expect(completedOnTime('2026-03-02', '2026-03-02')).toBe(true)
    expect(completedOnTime('2026-03-03', '2026-03-02')).toBe(false)
    fc.assert(fc.property(day2026, day2026, (done, due) => completedOnTime(done, due) === !(done > due)))
  })

  it('keeps an attempt under its submission id and refuses the same id on another form', () => {
    const form = {
      reached: false,
      method: 'phone',
      notReachedReason: 'not-at-home',
      submissionId: 'form-0001',
    }
    const attempt = attemptOf(form as Outcome, 'wang', new Date('2026-03-02T06:00:00Z'), 'sealed')
    expect(attempt).toEqual({
      at: '2026-03-02T06:00:00.000Z',
      method: 'phone',
      reason: 'not-at-home',
      by: 'wang',
      submissionId: 'form-0001',
      privateCipher: 'sealed',
    })
    expect(keptAttempt([attempt], form as Outcome)).toBe(0)
    expect(keptAttempt([attempt], { ...form, submissionId: 'form-0002' } as Outcome)).toBe(-1)
    expect(keptAttempt([attempt], { ...form, submissionId: undefined } as Outcome)).toBe(-1)
    expect(() => keptAttempt([attempt], { ...form, method: 'home-visit' } as Outcome)).toThrow(ConflictError)
  })
})

describe('the extra visit after a dissatisfied or high-risk outcome', () => {
  it('is never due on or before the day of the outcome, and always on a working day', () => {
    fc.assert(
      fc.property(day2026, (today) => {
        const due = extraVisitDueDate(today, calendar)
        expect(due > today).toBe(true)
        expect(calendar.isWorkingDay(due)).toBe(true)
      }),
    )
  })

  it('follows the visit: same petitioner and officer, planned anew, with working-day reminders only', () => {
    const now = new Date('2026-03-02T06:00:00Z')
    const reminders = [{ unit: 'workingDays', before: 1, at: '10:00' }]
    const extra = extraVisitOf({ ...visit, reminderRules: reminders, unreached: [{}] }, '2026-03-09', now)
    expect(extra).toMatchObject({
      visitId: 'c-1.ev-v1-x',
      kind: 'extra',
      petitionerId: 'li',
      officerId: 'wang',
      sequence: 1,
      dueDate: '2026-03-09',
      dueAt: '2026-03-09T01:00:00.000Z',
      status: 'planned',
      unreached: [],
      version: 1,
      reminderRules: reminders,
      reminderCount: 1,
    })
    const drill = extraVisitOf(
      { ...visit, reminderRules: [{ unit: 'minutes', before: 5 }] },
      '2026-03-09',
      now,
    )
    expect(drill.reminderRules.every((r) => r.unit === 'workingDays')).toBe(true)
  })
})

describe('who may do what to a visit', () => {
  it('lets the assigned officer and any supervisor read the notes, not another officer', () => {
    expect(mayReadNotes(officer, visit)).toBe(true)
    expect(mayReadNotes({ ...officer, id: 'chen' }, visit)).toBe(false)
    expect(mayReadNotes(supervisor, visit)).toBe(true)
  })

  it('refuses another officer, and a visit no longer planned', () => {
    expect(() => requireAssigned({ ...officer, id: 'chen' }, visit)).toThrow(ForbiddenError)
    expect(() => requireAssigned(supervisor, visit)).not.toThrow()
    expect(() => requirePlanned({ ...visit, status: 'completed' })).toThrow(ConflictError)
  })

  it('gives a visit only to another active officer in scope, or of an enclosing unit in a hand-over', () => {
    const chen = {
      officerId: 'chen',
      unitId: 'town',
      regionCode: '330106000000',
      active: true,
      duty: 'officer',
    }
    expect(requireAssignable(supervisor, visit, 'chen', chen, false)).toBe(chen)
    expect(() => requireAssignable(supervisor, visit, 'chen', { ...chen, active: false }, false)).toThrow(
      ValidationError,
    )
    expect(() =>
      requireAssignable(supervisor, visit, 'chen', { ...chen, duty: 'supervisor' }, false),
    ).toThrow(ValidationError)
    const far = { ...chen, regionCode: '330200000000' }
    expect(() => requireAssignable(supervisor, visit, 'chen', far, false)).toThrow(ValidationError)
    expect(requireAssignable(supervisor, visit, 'chen', far, true)).toBe(far)
    expect(() => requireAssignable(supervisor, visit, 'wang', { ...chen, officerId: 'wang' }, false)).toThrow(
      ConflictError,
    )
  })
})

describe('moving a due date', () => {
  const now = new Date('2026-03-04T02:00:00Z')
  it('lets only a supervisor move an overdue visit', () => {
    expect(isOverdue(visit, now)).toBe(true)
    expect(() => checkReschedule(officer, visit, '2026-03-10', now, calendar)).toThrow(ForbiddenError)
    expect(checkReschedule(supervisor, visit, '2026-03-10', now, calendar)).toEqual({ overdue: true })
    expect(
      checkReschedule(officer, { ...visit, dueDate: '2026-03-04' }, '2026-03-10', now, calendar),
    ).toEqual({
      overdue: false,
    })
  })

  it('refuses a past day and a day off', () => {
    expect(() => checkReschedule(supervisor, visit, '2026-03-03', now, calendar)).toThrow(ValidationError)
    expect(() => checkReschedule(supervisor, visit, '2026-03-07', now, calendar)).toThrow(ValidationError)
    expect(moveDetail('2026-03-02', '2026-03-10', 'zhao', '信访人外出')).toBe(
      'moved from 2026-03-02 to 2026-03-10 by zhao: 信访人外出',
    )
  })
})

describe('appointments', () => {
  const now = new Date('2026-03-01T02:00:00Z')
  it('gives a new time an SMS of its own, and the same time again the SMS already queued', () => {
    const at = new Date('2026-03-02T06:30:00Z')
    expect(appointmentOf(visit, at, now)).toEqual({
      again: false,
      notificationId: 'sms-appointment-c-1.ev-v1-4',
    })
    const set = { ...visit, version: 4, appointmentAt: at.toISOString(), appointmentNotificationId: 'sms-x' }
    expect(appointmentOf(set, at, now)).toEqual({ again: true, notificationId: 'sms-x' })
    expect(() => appointmentOf(visit, now, now)).toThrow(ValidationError)
    expect(shanghaiTime(at)).toBe('3月2日 14:30')
  })
})

describe('the stop rule', () => {
  const done = (visitId: string, sequence: number, completedAt: string, outcome: object) => ({
    visitId,
    sequence,
    status: 'completed',
    completedAt,
    outcome,
  })
  const open = (visitId: string, sequence: number) => ({ visitId, sequence, status: 'planned' })

  it('closes the planned visits after two consecutive satisfied ones, in the order of the cadence', () => {
    const visits = [
      open('e-v3', 3),
      done('e-v2', 2, '2026-03-16T06:00:00Z', satisfied),
      done('e-v1', 1, '2026-03-02T06:00:00Z', { ...satisfied, satisfaction: 'dissatisfied' }),
      done('e-v1-x', 1, '2026-03-09T06:00:00Z', satisfied),
      open('e-v4', 4),
    ]
    expect(visitsToClose(visits)?.map((v) => v.visitId)).toEqual(['e-v3', 'e-v4'])
    expect(visitsToClose(visits.filter((v) => v.visitId !== 'e-v1-x'))).toBeUndefined()
    const risky = visits.map((v) =>
      v.visitId === 'e-v2' ? { ...v, outcome: { ...satisfied, repeatPetitionRisk: 'high' } } : v,
    )
    expect(visitsToClose(risky)).toBeUndefined()
  })

  it('orders an event visits as their ids do: each visit, then its extra visits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 10 }),
        fc.integer(),
        (extras, seed) => {
          const inOrder = extras.flatMap((count, n) => {
            const chain = [{ visitId: `c.e-v${n + 1}`, sequence: n + 1, status: 'planned' }]
            for (let x = 0; x < count; x++)
              chain.push({
                visitId: extraVisitIdOf(chain.at(-1)?.visitId ?? ''),
                sequence: n + 1,
                status: 'planned',
              })
            return chain
          })
          const shuffled = [...inOrder].sort(
            (a, b) => ((a.visitId.length * 31 + seed) % 7) - ((b.visitId.length * 17 + seed) % 5),
          )
          expect(inCadenceOrder(shuffled)).toEqual(inOrder)
        },
      ),
    )
  })
})
