// A message or stream record that fails its schema ends in the DLQ (or the stream's failure destination) after
// its retries, never loops, and never holds back the rest of its batch.
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs'
import { PutItemCommand } from 'dynamodb-toolbox'
import { afterEach, expect, it } from 'vitest'
import { queues } from '../../shared/resources.ts'
import { seedRegion, startTestRuntime, type TestRuntime } from '../fixtures/runtime.ts'

let rt: TestRuntime
afterEach(async () => rt?.stop())

const waitFor = async <T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const found = await probe()
    if (found !== undefined) return found
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`timed out waiting for ${what}`)
}

it('moves a malformed planner message to its DLQ after maxReceiveCount while its batch-mate is planned', async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  await seedRegion(rt)
  const valid = {
    eventId: 'ev-9',
    type: 'resolved',
    caseId: 'c-9',
    petitionerId: 'li',
    regionCode: '330106009001',
    unitId: 'community',
    occurredAt: '2026-03-02T01:00:00Z',
  }
  await rt.deps.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: rt.provisioned.queueUrls.planner,
      Entries: [
        { Id: 'bad', MessageBody: JSON.stringify({ ...valid, eventId: 'ev-bad', type: 'exploded' }) },
        { Id: 'good', MessageBody: JSON.stringify(valid) },
      ],
    }),
  )
  const dead = await waitFor(async () => {
    await rt.drain()
    const { Messages } = await rt.deps.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: rt.provisioned.dlqUrls.planner,
        MessageSystemAttributeNames: ['All'],
      }),
    )
    return Messages?.[0]
  }, 'the poison message in the DLQ')
  expect(JSON.parse(dead.Body ?? '{}')).toMatchObject({ eventId: 'ev-bad', type: 'exploded' })
  // Received exactly maxReceiveCount times before it moved, not one more.
  expect(rt.pollers.planner.deliveries).toBe(1 + queues.planner.maxReceiveCount)
  const visit = await rt.call('GET', '/visits/ev-9-v1', {
    as: { sub: 'wang', role: 'officer', region: '330106' },
  })
  expect(visit.body).toMatchObject({ status: 'planned', dueDate: '2026-03-11' })
})

it('gives up a malformed outbox record after its retries and goes on with the stream', async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  await seedRegion(rt)
  await rt.deps.store.Outbox.build(PutItemCommand)
    .item({
      eventId: 'broken',
      type: 'resolved',
      regionCode: '330106',
      occurredAt: '2026-03-02T01:00:00Z',
      payload: { caseId: 'c-x' },
      expiresAt: 0,
    })
    .send()
  const created = await rt.call('POST', '/cases', {
    as: { sub: 'zhao', role: 'supervisor', region: '330106' },
    body: { caseId: 'c-10', petitionerId: 'li', category: '劳动保障', summary: '欠薪' },
  })
  expect(created.status).toBe(201)
  const resolved = await rt.call('POST', '/cases/c-10/events', {
    as: { sub: 'zhao', role: 'supervisor', region: '330106' },
    body: { type: 'resolved', eventId: 'ev-10' },
  })
  expect(resolved.status).toBe(201)
  await rt.drain()
  expect(rt.stream.discarded.map((r) => r.dynamodb?.NewImage?.eventId?.S)).toEqual(['broken'])
  const visit = await rt.call('GET', '/visits/ev-10-v1', {
    as: { sub: 'wang', role: 'officer', region: '330106' },
  })
  expect(visit.status).toBe(200)
})
