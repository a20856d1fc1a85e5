import { afterEach, expect, it } from 'vitest'
import { startTestRuntime, type TestRuntime } from '../fixtures/runtime.ts'

let rt: TestRuntime | undefined
afterEach(async () => {
  await rt?.stop().catch(() => {}) // fauxqs was stopped by the test itself
})

it('answers 503 naming the component that is down', async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  expect((await rt.call('GET', '/health')).status).toBe(200)
  await rt.fauxqs.stop()
  const r = await rt.call('GET', '/health')
  expect(r.status).toBe(503)
  expect(r.body.ok).toBe(false)
  expect(r.body.components.dynamodb).toBe('up')
  expect(r.body.components.sqs).toMatch(/^down: /)
  expect(r.body.components.sns).toMatch(/^down: /)
})
