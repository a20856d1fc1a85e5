// The test runtime's own promises: drain() returns only when nothing is left to do, and says what is left when it
// gives up; the functions' logs go to the fixture, where a drill takes what it expects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  expectLogged,
  resolveMatterOfLi,
  seedRegion,
  startTestRuntime,
  type TestRuntime,
  wang,
} from '../fixtures/runtime.ts'

let rt: TestRuntime
beforeAll(async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  await seedRegion(rt)
})
afterAll(async () => rt?.stop())

describe('drain()', () => {
  it('throws, naming what is still busy, when work remains after its rounds', async () => {
    await resolveMatterOfLi(rt, 'c-drain-1', 'e-drain-1')
    // One round takes the outbox record off the stream, and whatever that sends on: still busy, it throws.
    await expect(rt.drain(1)).rejects.toThrow(
      /^drain: still busy after 1 rounds \(\d+ handled\); in the last round (stream|queue [\w-]+): [1-9]/,
    )
    // Given the rounds, it gets through the rest.
    await expect(rt.drain()).resolves.toBeGreaterThanOrEqual(0)
    const worklist = await rt.call('GET', '/officers/wang/worklist', { as: wang })
    expect(worklist.body.visits.map((v: { matterId: string }) => v.matterId)).toContain('c-drain-1')
  })

  it('returns quietly when nothing is left to do', async () => {
    expect(await rt.drain(3)).toBe(0)
  })
})

describe("the functions' logs", () => {
  it('go to the fixture, where a drill takes those it expects', async () => {
    rt.deps.logger.error('a drill expects this', { drill: 'drain.test' })
    rt.functionDeps['visit-planner'].logger.error('and this one too')
    const taken = expectLogged(rt, ['a drill expects this', /^and this/])
    expect(taken[0]).toMatchObject({ level: 'ERROR', service: 'aftercare', drill: 'drain.test' })
    expect(rt.logs).toEqual([])
  })

  it('fail the drill when one it expects is missing, or another one came', async () => {
    rt.deps.logger.error('unexpected')
    expect(() => expectLogged(rt, ['expected'])).toThrow(/a ERROR log "expected"/)
    rt.deps.logger.error('expected')
    rt.deps.logger.error('unexpected')
    expect(() => expectLogged(rt, ['expected'])).toThrow(/other ERROR logs/)
  })
})
