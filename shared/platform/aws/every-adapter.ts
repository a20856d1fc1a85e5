// Every adapter: for local mode, the tests and the command-line tools, which build any function's deps. A Lambda
// function's entry hands lambdaHandler only those its declared uses need, so that its bundle holds no other client.
import type { Adapters } from '../deps.ts'
import { crypto } from './crypto.ts'
import { inboundSmsSecret } from './inbound-sms-secret.ts'
import { localOrCloudSignIns } from './local-sign-ins.ts'
import { queues } from './queues.ts'
import { sms } from './sms.ts'
import { table } from './table.ts'
import { topics } from './topics.ts'

export const everyAdapter: Required<Adapters> = {
  table,
  queues,
  topics,
  sms,
  crypto,
  inboundSmsSecret,
  signIns: localOrCloudSignIns,
}
