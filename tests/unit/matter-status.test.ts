// The matter status rule (which event moves a matter to which status) and the recording of an event on a matter,
// with the matters' store replaced by an in-memory one: the rule is otherwise only covered end to end.
import fc from 'fast-check'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Actor } from '../../shared/access/rules/roles.ts'
import { recordMatterEvent } from '../../shared/matters/actions/record-matter-event.ts'
import { registerMatter } from '../../shared/matters/actions/register-matter.ts'
import {
  eventKeyOf,
  type MatterEventType,
  matterEventMessageOf,
  matterEventTypes,
  occurredAtOf,
} from '../../shared/matters/rules/events.ts'
import { type MatterStatus, matterStatuses, statusAfter } from '../../shared/matters/rules/status.ts'
import type { MatterEventWrite } from '../../shared/matters/store.ts'
import type { AuditInput } from '../../shared/platform/audit.ts'
import { ManualClock } from '../../shared/platform/clock.ts'
import type { AppDeps } from '../../shared/platform/deps.ts'
import { ConflictError, NotFoundError, ValidationError } from '../../shared/platform/errors.ts'

/** The table, as far as the matters' actions see it: matters, their events, petitioners, and what was written. */
const table = vi.hoisted(() => ({
  matters: new Map<
    string,
    Record<string, unknown> & { version: number; status: string; regionCode: string }
  >(),
  events: new Map<string, Record<string, unknown>>(),
  petitioners: new Map<string, { petitionerId: string; regionCode: string; unitId: string }>(),
  eventWrites: [] as { write: unknown; audit: unknown }[],
  /** A write that races the action: applied to the table just before its save. */
  before: undefined as (() => void) | undefined,
}))

const conditionRefusal = () =>
  Object.assign(new Error('refused'), { name: 'ConditionalCheckFailedException' })

vi.mock('../../shared/matters/store.ts', () => ({
  matterById: async (_store: unknown, matterId: string) => table.matters.get(matterId),
  eventOfMatter: async (_store: unknown, matterId: string, eventId: string) =>
    table.events.get(`${matterId}.${eventId}`),
  eventsOfMatter: async (_store: unknown, matterId: string) =>
    [...table.events.values()].filter((e) => e.matterId === matterId),
  saveNewMatter: async (
    _store: unknown,
    matter: { matterId: string; version: number; status: string; regionCode: string },
  ) => {
    if (table.matters.has(matter.matterId)) throw conditionRefusal()
    table.matters.set(matter.matterId, { ...matter })
  },
  saveMatterEvent: async (_store: unknown, write: MatterEventWrite, audit: AuditInput) => {
    table.before?.()
    const matter = table.matters.get(write.matter.matterId)
    const key = `${write.event.matterId}.${write.event.eventId}`
    if (!matter || matter.version !== write.matter.readVersion || table.events.has(key))
      throw conditionRefusal()
    table.events.set(key, { ...write.event })
    table.matters.set(matter.matterId as string, {
      ...matter,
      status: write.matter.status,
      updatedAt: write.matter.updatedAt,
      version: write.matter.readVersion + 1,
    })
    table.eventWrites.push({ write, audit })
  },
}))
vi.mock('../../shared/directory/store.ts', () => ({
  petitionerById: async (_store: unknown, petitionerId: string) => table.petitioners.get(petitionerId),
}))

const officer: Actor = { id: 'li', role: 'officer', regionCode: '330106' }
const clock = new ManualClock('2026-03-02T02:00:00Z')
const deps = { store: {}, clock } as unknown as AppDeps

const matterIn = (status: MatterStatus, regionCode = '330106') => {
  const matter = {
    matterId: 'c-1',
    petitionerId: 'p-1',
    regionCode,
    unitId: 'xihu',
    category: 'land',
    summary: 'a field',
    status,
    openedAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
    version: 3,
  }
  table.matters.set(matter.matterId, matter)
  return matter
}

beforeEach(() => {
  table.matters.clear()
  table.events.clear()
  table.petitioners.clear()
  table.eventWrites.length = 0
  table.before = undefined
})

describe('the matter status rule', () => {
  it.each([
    ['handling', 'resolved', 'resolved'],
    ['handling', 'mediated', 'mediated'],
    ['handling', 'terminated', 'terminated'],
    ['handling', 'stopped-visiting', 'handling'],
    ['resolved', 'stopped-visiting', 'resolved'],
    ['resolved', 'mediated', 'refused'],
    ['mediated', 'resolved', 'refused'],
    ['terminated', 'terminated', 'refused'],
  ] as const)('a matter %s that is %s is then %s', (current, event, next) => {
    expect(statusAfter(current, event)).toBe(next)
  })

  const status = fc.constantFrom(...matterStatuses)
  const event = fc.constantFrom(...matterEventTypes)

  it('stopped-visiting never changes a status', () => {
    fc.assert(fc.property(status, (current) => statusAfter(current, 'stopped-visiting') === current))
  })

  it('only a matter being handled changes status, and only to the status the event names', () => {
    fc.assert(
      fc.property(status, event, (current, type) => {
        const next = statusAfter(current, type)
        if (type === 'stopped-visiting') return next === current
        return current === 'handling' ? next === type : next === 'refused'
      }),
    )
  })

  it('no status is left once it is not handling: every further event keeps it or is refused', () => {
    fc.assert(
      fc.property(status, fc.array(event, { maxLength: 8 }), (start, types) => {
        let current: MatterStatus = start
        for (const type of types) {
          const next = statusAfter(current, type)
          if (current !== 'handling' && next !== 'refused' && next !== current) return false
          if (next !== 'refused') current = next
        }
        return true
      }),
    )
  })
})

describe('when an event happened', () => {
  const now = new Date('2026-03-02T02:00:00Z')
  it('is now when not given, the instant given otherwise, and never in the future', () => {
    expect(occurredAtOf(undefined, now)).toEqual(now)
    expect(occurredAtOf('2026-03-01T10:00:00+08:00', now)).toEqual(new Date('2026-03-01T02:00:00Z'))
    expect(occurredAtOf('2026-03-02T02:00:01Z', now)).toBe('in the future')
  })

  it('announces the matter and the event, named after both', () => {
    const message = matterEventMessageOf(matterIn('handling'), {
      eventId: 'e-1',
      type: 'resolved',
      occurredAt: '2026-03-01T02:00:00.000Z',
    })
    expect(message).toEqual({
      eventId: 'e-1',
      type: 'resolved',
      matterId: 'c-1',
      petitionerId: 'p-1',
      regionCode: '330106',
      unitId: 'xihu',
      occurredAt: '2026-03-01T02:00:00.000Z',
    })
    expect(eventKeyOf(message)).toBe('c-1.e-1')
  })
})

describe('recording an event on a matter', () => {
  const record = (type: MatterEventType, extra: { eventId?: string; occurredAt?: string } = {}) =>
    recordMatterEvent(deps, officer, 'c-1', { type, ...extra })

  it('moves a matter being handled to the status the event names, one version on, announced and audited', async () => {
    matterIn('handling')
    const { event, replayed } = await record('resolved', { eventId: 'e-1' })
    expect(replayed).toBe(false)
    expect(event).toMatchObject({ matterId: 'c-1', eventId: 'e-1', type: 'resolved', recordedBy: 'li' })
    expect(table.matters.get('c-1')).toMatchObject({ status: 'resolved', version: 4 })
    expect(table.eventWrites).toHaveLength(1)
    const { write, audit } = table.eventWrites[0] as { write: MatterEventWrite; audit: AuditInput }
    expect(write.message).toMatchObject({ eventId: 'e-1', matterId: 'c-1', type: 'resolved', unitId: 'xihu' })
    expect(audit).toMatchObject({
      subject: 'MATTER#c-1',
      action: 'case.resolved',
      before: { status: 'handling', version: 3 },
      after: { status: 'resolved', version: 4 },
    })
  })

  it('refuses a status change on a matter no longer handled, with a 409 naming its status', async () => {
    matterIn('resolved')
    const refusal = await record('mediated').catch((e: unknown) => e)
    expect(refusal).toBeInstanceOf(ConflictError)
    expect((refusal as ConflictError).message).toBe('case c-1 is resolved: it cannot be mediated')
    expect(table.eventWrites).toHaveLength(0)
  })

  it('records stopped-visiting on a matter no longer handled, keeping its status', async () => {
    matterIn('terminated')
    await record('stopped-visiting')
    expect(table.matters.get('c-1')).toMatchObject({ status: 'terminated', version: 4 })
  })

  it('records an event id once: the same id again answers the event recorded', async () => {
    matterIn('handling')
    const first = await record('resolved', { eventId: 'e-1' })
    const again = await record('resolved', { eventId: 'e-1' })
    expect(again).toEqual({ event: first.event, replayed: true })
    expect(table.eventWrites).toHaveLength(1)
  })

  it('refuses an event in the future', async () => {
    matterIn('handling')
    await expect(record('resolved', { occurredAt: '2026-03-03T00:00:00Z' })).rejects.toBeInstanceOf(
      ValidationError,
    )
  })

  it('answers a matter outside the caller’s scope as a missing one', async () => {
    matterIn('handling', '330102')
    await expect(record('resolved')).rejects.toEqual(new NotFoundError('case c-1 not found'))
  })

  it('answers 409 when the matter changed between its read and the write', async () => {
    matterIn('handling')
    table.before = () => {
      const matter = table.matters.get('c-1')
      if (matter) table.matters.set('c-1', { ...matter, version: matter.version + 1 })
    }
    await expect(record('resolved')).rejects.toBeInstanceOf(ConflictError)
  })
})

describe('registering a matter', () => {
  const input = { matterId: 'c-2', petitionerId: 'p-1', category: 'land', summary: 'a field' }

  it('opens it at the petitioner’s region and unit, being handled, at version 1', async () => {
    table.petitioners.set('p-1', { petitionerId: 'p-1', regionCode: '330106', unitId: 'xihu' })
    const matter = await registerMatter(deps, officer, input)
    expect(matter).toMatchObject({ regionCode: '330106', unitId: 'xihu', status: 'handling', version: 1 })
    await expect(registerMatter(deps, officer, input)).rejects.toBeInstanceOf(ConflictError)
  })

  it('refuses a petitioner outside the caller’s scope as a missing one', async () => {
    table.petitioners.set('p-1', { petitionerId: 'p-1', regionCode: '330102', unitId: 'shangcheng' })
    await expect(registerMatter(deps, officer, input)).rejects.toBeInstanceOf(ValidationError)
  })
})
