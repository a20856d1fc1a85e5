// Two CDK helpers whose grants are wider than their use, narrowed: no wildcard left for cdk-nag IAM5 to flag.
import type { IRole } from 'aws-cdk-lib/aws-iam'
import type { IEventSourceDlq, IFunction } from 'aws-cdk-lib/aws-lambda'
import type { ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets'
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets'
import type { IQueue } from 'aws-cdk-lib/aws-sqs'

/**
 * A schedule target that invokes the function's unqualified ARN. LambdaInvoke grants invoke on every version and
 * alias too (`<arn>:*`), which a schedule of `$LATEST` never uses.
 */
export class InvokeLatestVersion extends LambdaInvoke {
  private readonly target: IFunction

  constructor(target: IFunction, props?: ScheduleTargetBaseProps) {
    super(target, props)
    this.target = target
  }

  protected override addTargetActionToRole(role: IRole): void {
    this.target.grantInvokeLatestVersion(role)
  }
}

/**
 * An event source's on-failure destination that grants the function sqs:SendMessage on the queue only (what Lambda
 * sends the failure record with; GetQueueAttributes and GetQueueUrl are never called). SqsDlq
 * grants the KMS action families (`kms:GenerateDataKey*`, `kms:ReEncrypt*`); the function's key statement already
 * holds the two actions sending needs.
 */
export const onFailureQueue = (queue: IQueue): IEventSourceDlq => ({
  bind: (_mapping, handler) => {
    queue.grant(handler, 'sqs:SendMessage')
    return { destination: queue.queueArn }
  },
})
