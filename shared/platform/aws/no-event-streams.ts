// What the Lambda bundles load in place of the SDK's event stream support (infra/bundling.ts aliases
// `@smithy/core/event-streams` to this file). The protocols import it only when an operation's input or output is
// an event stream; no operation this service calls (DynamoDB, SQS, SNS, KMS, Secrets Manager, Cognito) has one. In a
// one-file bundle that import would otherwise be inlined into every function.
const unsupported = (): never => {
  throw new Error('event streams are not bundled: no operation of this service sends or receives one')
}

export class EventStreamSerde {
  constructor() {
    unsupported()
  }
}

export const eventStreamSerdeProvider = unsupported
