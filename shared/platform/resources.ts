// Queues, topics, subscriptions, functions and what each uses, and schedules, declared once for the CDK stacks and
// for local mode.
import type { IndexName } from './table/table-design.ts'

export interface QueueDesign {
  /** What the queue carries, in the office's words. */
  purpose: string
  /** Lambda event source batch size. */
  batchSize: number
  /** Seconds a received message stays invisible; six times the consumer's timeout, as AWS advises. */
  visibilityTimeoutSeconds: number
  /** Receives before a message moves to the queue's dead-letter queue. */
  maxReceiveCount: number
  /** The function that consumes it. */
  consumer: FunctionName
  /**
   * Lambda event source maximum concurrency (2–1000): with the shared per-second counter, it keeps SMS within the
   * provider's quota. @default unlimited
   */
  maxConcurrency?: number
}

export const queues = {
  planner: {
    purpose: 'matter events for the visit planner (subscribed to the events topic)',
    batchSize: 10,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    consumer: 'visit-planner',
  },
  timers: {
    purpose: 'due timers, each delayed until its due second',
    batchSize: 10,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    consumer: 'timer-consumer',
  },
  notifications: {
    purpose: 'SMS and officer notifications to dispatch',
    batchSize: 10,
    maxConcurrency: 5,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    consumer: 'notification-dispatcher',
  },
} as const satisfies Record<string, QueueDesign>

export type QueueName = keyof typeof queues

export const topics = {
  /** Matter and visit events published from the outbox. */
  events: { purpose: 'domain events from the outbox' },
  /** Officer reminders; messages carry `regionCode` so that a unit can subscribe with a prefix filter policy. */
  officers: { purpose: 'officer reminders for e-mail or pager subscriptions' },
} as const

export type TopicName = keyof typeof topics

/** Which queue hears which topic, with raw delivery and an optional filter policy on message attributes. */
export const subscriptions = [
  {
    topic: 'events',
    queue: 'planner',
    filterPolicy: { eventType: ['resolved', 'mediated', 'terminated', 'stopped-visiting'] },
  },
] as const satisfies ReadonlyArray<{
  topic: TopicName
  queue: QueueName
  filterPolicy?: Record<string, string[]>
}>

/** Where a function finds a queue or a topic: the configuration variable holding its URL or ARN. */
export const queueUrlVariables = {
  timers: 'TIMERS_QUEUE_URL',
  notifications: 'NOTIFICATIONS_QUEUE_URL',
} as const satisfies Record<string, string>

/** The queues a function may send to: those whose URL its configuration carries. */
export type SendableQueue = keyof typeof queueUrlVariables
// Each of them is a declared queue (checked here, not with `satisfies`, which would make the types circular).
const _sendableQueuesAreQueues: readonly QueueName[] = Object.keys(queueUrlVariables) as SendableQueue[]

export const topicArnVariables = {
  events: 'EVENTS_TOPIC_ARN',
  officers: 'OFFICERS_TOPIC_ARN',
} as const satisfies Record<TopicName, string>

/**
 * What a function uses of the world, declared once: the CDK stack grants exactly this to its role, and the
 * function's dependencies (shared/platform/deps.ts) build a client or port for exactly this, so that a use not declared here
 * fails in local mode and in the tests as it would fail on AWS (AccessDenied), only sooner.
 */
export interface FunctionUses {
  /**
   * Reads and writes items of the table, and queries these of its indexes. Absent: the function touches no item
   * (the outbox publisher hears the table's stream through its event source, which is granted with it).
   */
  readonly table?: {
    /** Indexes it queries. */
    readonly indexes: readonly IndexName[]
    /** Indexes it also scans whole (the sweeper's catch-up after an outage). @default none */
    readonly scans?: readonly IndexName[]
  }
  /** Queues it sends messages to (receiving is its event source's, granted with it). */
  readonly sendsTo: readonly SendableQueue[]
  readonly publishesTo: readonly TopicName[]
  /** Seals and opens personal data field by field and computes blind indexes (the data key and the index key). */
  readonly personalData?: boolean
  /** Publishes SMS straight to phone numbers through SNS (no topic, hence no ARN to scope the grant to). */
  readonly sendsSms?: boolean
  /** Reads the inbound SMS route's shared secret from Secrets Manager. */
  readonly readsInboundSmsSecret?: boolean
  /** Creates people's accounts in the sign-in service (Cognito AdminCreateUser and AdminGetUser). */
  readonly createsSignIns?: boolean
}

export interface FunctionDesign {
  /** Entry file, relative to the project root; it exports `handler`. */
  entry: string
  timeoutSeconds: number
  memoryMb: number
  uses: FunctionUses
}

export const functions = {
  'matters-api': {
    entry: 'functions/matters/http.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    uses: { table: { indexes: [] }, sendsTo: [], publishesTo: [] },
  },
  'directory-api': {
    entry: 'functions/directory/http.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    // Loading a calendar year moves due timers, and enqueues those already in a swept window; administrators create
    // people's sign-ins.
    uses: {
      table: { indexes: [] },
      sendsTo: ['timers'],
      publishesTo: [],
      personalData: true,
      createsSignIns: true,
    },
  },
  'visits-api': {
    entry: 'functions/visits/http.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    // Appointments and flags tell people by SMS; extra visits and reschedules start timers.
    uses: {
      table: { indexes: ['gsi1', 'gsi4', 'gsi5', 'gsi6'] },
      sendsTo: ['timers', 'notifications'],
      publishesTo: [],
      personalData: true,
    },
  },
  'notifications-api': {
    entry: 'functions/notifications/http.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    // Resends notifications, and reads the shared secret of the SMS provider's callback route.
    uses: {
      table: { indexes: ['gsi3'] },
      sendsTo: ['notifications'],
      publishesTo: [],
      personalData: true,
      readsInboundSmsSecret: true,
    },
  },
  'outbox-publisher': {
    entry: 'functions/outbox/publish.ts',
    timeoutSeconds: 30,
    memoryMb: 512,
    uses: { sendsTo: [], publishesTo: ['events'] },
  },
  'visit-planner': {
    entry: 'functions/visits/plan.ts',
    timeoutSeconds: 30,
    memoryMb: 512,
    // Plans visits and their timers, and tells the petitioner by SMS.
    uses: {
      table: { indexes: ['gsi1'] },
      sendsTo: ['timers', 'notifications'],
      publishesTo: [],
      personalData: true,
    },
  },
  'timer-sweeper': {
    entry: 'functions/scheduling/sweep.ts',
    timeoutSeconds: 50,
    memoryMb: 1024,
    // Due timers to the timers queue (and those a recompute moved into a swept minute); notifications in flight
    // whose message was lost, found on the same index, back to the notifications queue.
    uses: {
      table: { indexes: ['gsi2'], scans: ['gsi2'] },
      sendsTo: ['timers', 'notifications'],
      publishesTo: [],
    },
  },
  'timer-consumer': {
    entry: 'functions/scheduling/fire.ts',
    timeoutSeconds: 30,
    memoryMb: 512,
    // Reminders, the overdue ladder and released SMS go to the notifications queue; a timer delivered early is
    // left to the sweeper's recheck, not sent again from here.
    uses: {
      table: { indexes: ['gsi1'] },
      sendsTo: ['notifications'],
      publishesTo: [],
      personalData: true,
    },
  },
  'notification-dispatcher': {
    entry: 'functions/notifications/dispatch.ts',
    timeoutSeconds: 30,
    memoryMb: 512,
    // Requeues what it backs off or holds for quiet hours, and starts the timer of a deferred SMS.
    uses: {
      table: { indexes: [] },
      sendsTo: ['timers', 'notifications'],
      publishesTo: ['officers'],
      personalData: true,
      sendsSms: true,
    },
  },
} as const satisfies Record<string, FunctionDesign>

export type FunctionName = keyof typeof functions

/**
 * Dead-letter queues that belong to no work queue: the on-failure destinations of event sources that are not queues.
 * Each is named like a queue's DLQ (`dlqName(name)`, so `stream-dlq`), kept as long, and alarmed the same way; the
 * CDK stateful stack and local provisioning both create them from here. Nothing consumes them, and they cannot be
 * redriven: a stream record cannot be put back into its stream.
 */
export const eventSourceDeadLetterQueues = {
  stream: {
    purpose:
      "outbox stream records the publisher still failed after its retries (Lambda's on-failure destination record)",
  },
} as const satisfies Record<string, { purpose: string }>

export type EventSourceDlqName = keyof typeof eventSourceDeadLetterQueues

/**
 * The table's stream feeds this function, filtered to new outbox items. A record that still fails after
 * `maxRetries` goes to the on-failure destination `deadLetterQueue` (one of eventSourceDeadLetterQueues) and the shard moves on.
 */
export const streamConsumer = {
  function: 'outbox-publisher',
  batchSize: 100,
  maxRetries: 5,
  deadLetterQueue: 'stream',
} as const satisfies {
  function: FunctionName
  batchSize: number
  maxRetries: number
  deadLetterQueue: EventSourceDlqName
}

/**
 * The HTTP API's catch-all (`$default`) route goes to this function: a request that matches no declared route (an
 * unknown path, or a known path with another method) gets the JSON 404 or 405 its router builds from the route
 * table, on AWS as in local mode. No authorizer runs for it, and the router runs no route for it.
 */
export const httpFallback = { function: 'matters-api' } as const satisfies { function: FunctionName }

/** EventBridge Scheduler expressions; local mode runs the same expressions. */
export const schedules = {
  sweeper: { expression: 'cron(* * * * ? *)', target: 'timer-sweeper' },
} as const satisfies Record<string, { expression: string; target: FunctionName }>
