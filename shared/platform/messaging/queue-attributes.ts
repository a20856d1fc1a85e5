// Queue attributes built from the queue design: local mode creates exactly these; an infra test compares with CDK.
import { type QueueDesign, queues } from '../resources.ts'

/** The dead-letter queue of `name`. */
export const dlqName = (name: string): string => `${name}-dlq`

/** Dead-letter queues keep a message 14 days, the SQS maximum, so that an operator has time to redrive it. */
export const DLQ_RETENTION_SECONDS = 1_209_600

export const queueAttributes = (design: QueueDesign, dlqArn: string): Record<string, string> => ({
  VisibilityTimeout: String(design.visibilityTimeoutSeconds),
  RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: design.maxReceiveCount }),
})

export const queueNames = Object.keys(queues) as (keyof typeof queues)[]
