// Queue and stream consumers: each record parsed with its schema and handled alone; failures are reported per
// record (partial batch response), so one poison message goes to the DLQ after maxReceiveCount and the rest pass.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch'
import type { Logger } from '@aws-lambda-powertools/logger'
import { unmarshall } from '@aws-sdk/util-dynamodb'
import middy from '@middy/core'
import type {
  AttributeValue,
  Context,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda'
import type * as z from 'zod'
import { problemsFromZod, ValidationError } from './errors.ts'

/** A record whose body fails its schema: retried until its queue gives it to the DLQ, never silently dropped. */
export class PoisonRecordError extends ValidationError {}

const parse = <S extends z.ZodType>(schema: S, raw: unknown, where: string): z.infer<S> => {
  const result = schema.safeParse(raw)
  if (!result.success) throw new PoisonRecordError(problemsFromZod(result.error.issues, where))
  return result.data
}

const parseJson = (text: string, where: string): unknown => {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new PoisonRecordError([{ field: where, reason: `is not valid JSON: ${(error as Error).message}` }])
  }
}

export const sqsConsumer = <S extends z.ZodType>(
  schema: S,
  handle: (message: z.infer<S>, record: SQSRecord, context: Context) => Promise<unknown>,
  logger: Logger,
) => {
  const processor = new BatchProcessor(EventType.SQS)
  const recordHandler = async (record: SQSRecord, context: Context) => {
    try {
      return await handle(parse(schema, parseJson(record.body, 'body'), 'body'), record, context)
    } catch (error) {
      logger.warn('message failed', { messageId: record.messageId, error: error as Error })
      throw error
    }
  }
  return middy<SQSEvent, SQSBatchResponse>().handler((event: SQSEvent, context: Context) =>
    processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false }),
  )
}

export const streamConsumer = <S extends z.ZodType>(
  schema: S,
  handle: (item: z.infer<S>, record: DynamoDBRecord) => Promise<unknown>,
  logger: Logger,
) => {
  const processor = new BatchProcessor(EventType.DynamoDBStreams)
  const recordHandler = async (record: DynamoDBRecord) => {
    try {
      const image = record.dynamodb?.NewImage
      if (!image) throw new PoisonRecordError([{ field: 'dynamodb.NewImage', reason: 'is missing' }])
      const item = unmarshall(image as Record<string, AttributeValue> as never)
      return await handle(parse(schema, item, 'NewImage'), record)
    } catch (error) {
      logger.warn('stream record failed', { eventID: record.eventID, error: error as Error })
      throw error
    }
  }
  return middy<DynamoDBStreamEvent, SQSBatchResponse>().handler(
    (event: DynamoDBStreamEvent, context: Context) =>
      processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false }),
  )
}
