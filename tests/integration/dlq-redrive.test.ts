// The DLQ tool against fauxqs: peeking leaves the DLQ as it was, redrive moves each message exactly once.
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { parseCommand, run, UsageError } from '../../local/cli/dlq.ts'
import type { StreamFailureRecord } from '../../local/stream-poller.ts'
import { assertDlqOf, peekDlq, previewBody, redriveDlq } from '../../shared/platform/messaging/redrive.ts'
import { startTestRuntime, type TestRuntime } from '../fixtures/runtime.ts'

// No pollers run: startTestRuntime starts none, and rt.drain() is never called, since it would consume the timers
// queue that the redrive fills.
let rt: TestRuntime
let dlqUrl: string
let sourceUrl: string
beforeAll(async () => {
  rt = await startTestRuntime('2026-03-02T02:00:00Z')
  dlqUrl = rt.provisioned.dlqUrls.timers
  sourceUrl = rt.provisioned.queueUrls.timers
})
afterAll(async () => rt?.stop())

const originals = Array.from({ length: 12 }, (_, i) =>
  JSON.stringify({ timerId: `t-${i}`, dueAt: '2026-03-02T01:00:00Z', phone: '13800138000' }),
)

const depth = async (queueUrl: string) => {
  const { Attributes } = await rt.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  )
  return {
    visible: Number(Attributes?.ApproximateNumberOfMessages),
    hidden: Number(Attributes?.ApproximateNumberOfMessagesNotVisible),
  }
}

/** Receives and deletes everything in the queue, answering bodies and the `origin` attribute. */
const takeAll = async (queueUrl: string) => {
  const taken: { body: string; origin: string | undefined }[] = []
  for (;;) {
    const { Messages = [] } = await rt.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    )
    if (Messages.length === 0) return taken
    for (const m of Messages)
      taken.push({ body: m.Body ?? '', origin: m.MessageAttributes?.origin?.StringValue })
    await rt.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    )
  }
}

describe('dlq redrive', () => {
  it('peeks, redrives a part, dry-runs and redrives the rest without losing or duplicating a message', async () => {
    const sqs = rt.sqs
    for (const [b, batch] of [originals.slice(0, 10), originals.slice(10)].entries()) {
      const { Failed } = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: dlqUrl,
          Entries: batch.map((body, i) => ({
            Id: `b${b}m${i}`,
            MessageBody: body,
            MessageAttributes: { origin: { DataType: 'String', StringValue: 'timer-consumer' } },
          })),
        }),
      )
      expect(Failed ?? []).toEqual([])
    }

    await assertDlqOf(sqs, { sourceUrl, dlqUrl })
    await expect(assertDlqOf(sqs, { sourceUrl: rt.provisioned.queueUrls.planner, dlqUrl })).rejects.toThrow(
      /is not the dead-letter queue/,
    )

    const peeked = await peekDlq(sqs, dlqUrl, 20, { waitSeconds: 0 })
    expect(peeked.stillHidden).toBe(0)
    expect(peeked.messages.map((m) => m.body).sort()).toEqual([...originals].sort())
    expect(peeked.messages[0]).toMatchObject({ receiveCount: 1, attributeNames: ['origin'] })
    expect(peeked.messages[0]?.sentAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    // Still there and visible: peeking consumed nothing.
    expect(await depth(dlqUrl)).toEqual({ visible: 12, hidden: 0 })
    expect((await peekDlq(sqs, dlqUrl, 5, { waitSeconds: 0 })).messages).toHaveLength(5)
    expect(await depth(dlqUrl)).toEqual({ visible: 12, hidden: 0 })

    const part = await redriveDlq(sqs, { dlqUrl, sourceUrl, max: 5, waitSeconds: 0 })
    expect(part).toMatchObject({ dryRun: false, received: 5, moved: 5, failures: [] })
    expect(await depth(sourceUrl)).toEqual({ visible: 5, hidden: 0 })
    expect(await depth(dlqUrl)).toEqual({ visible: 7, hidden: 0 })

    const dry = await redriveDlq(sqs, { dlqUrl, sourceUrl, dryRun: true, waitSeconds: 0 })
    expect(dry).toMatchObject({ dryRun: true, wouldMove: 7, moved: 0, failures: [] })
    expect(await depth(sourceUrl)).toEqual({ visible: 5, hidden: 0 })
    expect(await depth(dlqUrl)).toEqual({ visible: 7, hidden: 0 })

    const rest = await redriveDlq(sqs, { dlqUrl, sourceUrl, waitSeconds: 0 })
    expect(rest).toMatchObject({ received: 7, moved: 7, failures: [] })
    expect(await depth(dlqUrl)).toEqual({ visible: 0, hidden: 0 })

    const moved = await takeAll(sourceUrl)
    expect(moved.map((m) => m.body).sort()).toEqual([...originals].sort())
    expect(moved.every((m) => m.origin === 'timer-consumer')).toBe(true)
  })

  it('deletes from the DLQ only what the source accepted, and leaves the rest visible there', async () => {
    const dlq = rt.provisioned.dlqUrls.notifications
    const source = rt.provisioned.queueUrls.notifications
    await rt.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: dlq,
        Entries: ['a', 'b', 'c'].map((id) => ({ Id: id, MessageBody: JSON.stringify({ id }) })),
      }),
    )
    // The source refuses message b, as SQS does entry by entry in a batch.
    const refusing = {
      send: async (command: { input: unknown }) => {
        if (!(command instanceof SendMessageBatchCommand)) return rt.sqs.send(command as never)
        const entries = command.input.Entries ?? []
        const refused = entries.filter((e) => e.MessageBody === '{"id":"b"}')
        const answer = await rt.sqs.send(
          new SendMessageBatchCommand({
            ...command.input,
            Entries: entries.filter((e) => !refused.includes(e)),
          }),
        )
        return {
          ...answer,
          Failed: refused.map((e) => ({ Id: e.Id, SenderFault: true, Code: 'Refused', Message: 'test' })),
        }
      },
    } as unknown as typeof rt.sqs
    const report = await redriveDlq(refusing, { dlqUrl: dlq, sourceUrl: source, waitSeconds: 0 })
    expect(report).toMatchObject({ received: 3, moved: 2, failures: [{ stage: 'send', code: 'Refused' }] })
    expect(await depth(dlq)).toEqual({ visible: 1, hidden: 0 })
    expect((await takeAll(source)).map((m) => m.body).sort()).toEqual(['{"id":"a"}', '{"id":"c"}'])

    // A call that fails as a whole stops the run and moves nothing.
    const missing = `${source}-missing`
    const stopped = await redriveDlq(rt.sqs, { dlqUrl: dlq, sourceUrl: missing, waitSeconds: 0 })
    expect(stopped).toMatchObject({
      received: 1,
      moved: 0,
      aborted: expect.stringMatching(/SendMessageBatch/),
    })
    expect((await takeAll(dlq)).map((m) => m.body)).toEqual(['{"id":"b"}'])
  })

  it('lists the stream DLQ with the batch position and the record, and refuses to redrive it', async () => {
    const failure: StreamFailureRecord = {
      requestContext: {
        requestId: 'r-1',
        functionArn: 'arn:aws:lambda:local:000000000000:function:outbox-publisher',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 6,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      version: '1.0',
      timestamp: '2026-03-02T02:00:00.000Z',
      DDBStreamBatchInfo: {
        shardId: 'shardId-1',
        startSequenceNumber: '49',
        endSequenceNumber: '49',
        approximateArrivalOfFirstRecord: '2026-03-02T01:59:00Z',
        approximateArrivalOfLastRecord: '2026-03-02T01:59:00Z',
        batchSize: 1,
        streamArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/x',
      },
      localModeRecords: [
        { eventID: 'e-1', dynamodb: { NewImage: { eventId: { S: 'broken' }, phone: { S: '13800138000' } } } },
      ],
    }
    const streamDlq = rt.provisioned.eventSourceDlqUrls.stream
    await rt.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: streamDlq,
        Entries: [{ Id: 'f', MessageBody: JSON.stringify(failure) }],
      }),
    )
    const local = ['--endpoint', `http://127.0.0.1:${rt.fauxqs.port}`, '--prefix', rt.provisioned.prefix]
    const lines: string[] = []
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
    try {
      expect(await run(parseCommand(['list', '--queue', 'stream', ...local]))).toBe(0)
    } finally {
      log.mockRestore()
    }
    const printed = lines.join('\n')
    expect(printed).toContain(`DLQ of stream (${streamDlq}): 1 message(s) shown`)
    expect(printed).toMatch(
      /RetryAttemptsExhausted after 6 invocation\(s\): 1 record\(s\) 49\.\.49 of shardId-1/,
    )
    expect(printed).toMatch(/record e-1: .*"broken"/)
    expect(printed).toContain('138****8000')
    expect(printed).not.toContain('13800138000')
    // Listing consumed nothing.
    expect(await depth(streamDlq)).toEqual({ visible: 1, hidden: 0 })

    for (const argv of [
      ['redrive', '--queue', 'stream', ...local],
      ['redrive', '--queue', 'stream', '--dry-run'],
      [
        'redrive',
        '--queue',
        'stream',
        '--aws',
        '--dlq-url',
        'https://sqs.x/1/q',
        '--source-url',
        'https://sqs.x/1/s',
      ],
    ]) {
      expect(() => parseCommand(argv)).toThrow(UsageError)
      expect(() => parseCommand(argv)).toThrow(
        /the stream DLQ cannot be redriven: .*cannot be put back into the stream/,
      )
    }
    // Nor through run() with a command built by hand.
    await expect(
      run({ ...parseCommand(['list', '--queue', 'stream', ...local]), action: 'redrive' }),
    ).rejects.toThrow(/cannot be redriven/)
    expect(await depth(streamDlq)).toEqual({ visible: 1, hidden: 0 })
  })

  it('masks mobile numbers before it cuts a body', () => {
    expect(previewBody('{"phone":"+8613812341234","to":"13900139000","ts":1772416800000}')).toBe(
      '{"phone":"138****1234","to":"139****9000","ts":1772416800000}',
    )
    expect(previewBody(`${'x'.repeat(195)}13812341234`)).toBe(`${'x'.repeat(195)}138**…`)
  })
})

describe('dlq command line', () => {
  it('names --queue and the valid queues for an unknown queue', () => {
    expect(() => parseCommand(['list', '--queue', 'nope'])).toThrow(UsageError)
    expect(() => parseCommand(['list', '--queue', 'nope'])).toThrow(
      /--queue must be one of planner, timers, notifications, stream/,
    )
    expect(() => parseCommand(['redrive'])).toThrow(
      /--queue is required, one of planner, timers, notifications/,
    )
  })

  it('defaults to fauxqs on FAUXQS_PORT and never to AWS without --aws', () => {
    expect(parseCommand(['list', '--queue', 'timers'], { FAUXQS_PORT: '4999' })).toEqual({
      action: 'list',
      queue: 'timers',
      max: 10,
      dryRun: false,
      target: { mode: 'local', endpoint: 'http://127.0.0.1:4999', prefix: 'aftercare' },
    })
    expect(() => parseCommand(['redrive', '--queue', 'timers', '--dlq-url', 'https://sqs.x/1/q'])).toThrow(
      /--dlq-url needs --aws/,
    )
    expect(() =>
      parseCommand(['redrive', '--queue', 'timers', '--aws', '--dlq-url', 'https://sqs.x/1/q']),
    ).toThrow(/--source-url is required/)
    expect(() => parseCommand(['redrive', '--queue', 'timers', '--max', '0'])).toThrow(
      /--max must be a positive integer/,
    )
  })
})
