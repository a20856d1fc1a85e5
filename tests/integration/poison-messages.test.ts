// A message or stream record that fails its schema ends in the DLQ (or the stream DLQ, the stream's on-failure
// destination) after its retries, never loops, and never holds back the rest of its batch.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb'
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs'
import { PutItemCommand } from 'dynamodb-toolbox'
import { afterEach, expect, it } from 'vitest'
import type { StreamFailureRecord } from '../../local/stream-poller.ts'
import { queues, streamConsumer } from '../../shared/platform/resources.ts'
import {
  expectLogged,
  resolveMatterOfLi,
  seedRegion,
  startTestRuntime,
  type TestRuntime,
} from '../fixtures/runtime.ts'

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
    matterId: 'c-9',
    petitionerId: 'li',
    regionCode: '330106009001',
    unitId: 'community',
    occurredAt: '2026-03-02T01:00:00Z',
  }
  await rt.sqs.send(
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
    const { Messages } = await rt.sqs.send(
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
  const visit = await rt.call('GET', '/visits/c-9.ev-9-v1', {
    as: { sub: 'wang', role: 'officer', region: '330106009000' },
  })
  expect(visit.body).toMatchObject({ status: 'planned', dueDate: '2026-03-11' })
})

const readStreamDlq = async (rt: TestRuntime) => {
  const { Messages = [] } = await rt.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: rt.provisioned.eventSourceDlqUrls[streamConsumer.deadLetterQueue],
      MaxNumberOfMessages: 10,
    }),
  )
  return Messages.map((m) => JSON.parse(m.Body ?? '{}') as StreamFailureRecord)
}

const resolveMatter = (matterId: string, eventId: string) => resolveMatterOfLi(rt, matterId, eventId)

it('sends a malformed outbox record to the stream DLQ after its retries, as Lambda would, and goes on with the stream', async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z', {
    streamRetryBackoff: { initialMs: 5, maxMs: 20 },
  })
  await seedRegion(rt)
  await rt.deps.store.Outbox.build(PutItemCommand)
    .item({
      eventId: 'broken',
      type: 'resolved',
      regionCode: '330106',
      occurredAt: '2026-03-02T01:00:00Z',
      payload: { matterId: 'c-x' },
      expiresAt: 0,
    })
    .send()
  await resolveMatter('c-10', 'ev-10')
  await rt.drain()

  const [dead, ...more] = await readStreamDlq(rt)
  expect(more).toEqual([])
  const { Table } = await rt.deps.dynamodb.send(
    new DescribeTableCommand({ TableName: rt.provisioned.tableName }),
  )
  const [poison] = dead?.localModeRecords ?? []
  expect(poison?.dynamodb?.NewImage?.eventId?.S).toBe('broken')
  const sequence = poison?.dynamodb?.SequenceNumber
  expect(dead).toMatchObject({
    version: '1.0',
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    requestContext: {
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: streamConsumer.maxRetries + 1,
      functionArn: expect.stringMatching(new RegExp(`:function:${streamConsumer.function}$`)),
      requestId: expect.any(String),
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST' },
    DDBStreamBatchInfo: {
      shardId: expect.stringMatching(/^shardId-/),
      startSequenceNumber: sequence,
      endSequenceNumber: sequence,
      approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      approximateArrivalOfLastRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      batchSize: 1,
      streamArn: Table?.LatestStreamArn,
    },
  })
  // The rest of its batch went through: the resolved case was published and planned.
  const visit = await rt.call('GET', '/visits/c-10.ev-10-v1', {
    as: { sub: 'wang', role: 'officer', region: '330106009000' },
  })
  expect(visit.status).toBe(200)
  // The poller moved past it: another drain neither retries it nor sends it again.
  await rt.drain()
  expect(await readStreamDlq(rt)).toEqual([])
  expectLogged(rt, ['stream record sent to the stream DLQ after its retries'])
})

it('waits between retries of a failing shard, so that a short SNS outage uses up no retries', async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z', {
    streamRetryBackoff: { initialMs: 100, maxMs: 400 },
  })
  await seedRegion(rt)
  // The publisher's own topic port: on AWS each function has its own clients.
  const { topics } = rt.functionDeps['outbox-publisher']
  const publish = topics.publish.bind(topics)
  // An outage that refuses the first three publishes, whenever they come (a count, not a clock: a slow machine
  // must not turn it into one attempt).
  const refusedAt: number[] = []
  let attempts = 0
  topics.publish = async (...args) => {
    attempts++
    if (refusedAt.length < 3) {
      refusedAt.push(Date.now())
      throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' })
    }
    return publish(...args)
  }
  await resolveMatter('c-11', 'ev-11')
  await rt.drain()
  topics.publish = publish

  // Fewer failures than the retries allowed, each retry after a longer wait (100 ms, then 200 ms), none back to back.
  expect(refusedAt).toHaveLength(3)
  // The fourth attempt, a retry of the same record, published it: the outage used three of its retries.
  expect(attempts).toBe(4)
  expect(attempts - 1).toBeLessThanOrEqual(streamConsumer.maxRetries)
  const [a = 0, b = 0, c = 0] = refusedAt
  expect(b - a).toBeGreaterThanOrEqual(90)
  expect(c - b).toBeGreaterThanOrEqual(180)
  expect(await readStreamDlq(rt)).toEqual([])
  const visit = await rt.call('GET', '/visits/c-11.ev-11-v1', {
    as: { sub: 'wang', role: 'officer', region: '330106009000' },
  })
  expect(visit.status).toBe(200)
})
