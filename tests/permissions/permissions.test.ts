// Every AWS call each function was recorded making (by the unit and integration projects, which run first) against
// that function's role in the synthesized stacks: none may be refused, and no grant may go unused without a reason.
import { beforeAll, describe, expect, it } from 'vitest'
import { checkRecordedCalls, type StackCheck, synthesizedTemplates } from '#infra/permissions/check-stacks.ts'
import { evaluatePermissions, formatReport, type Grant } from '#infra/permissions/evaluate.ts'
import { type FunctionName, functions } from '#shared/platform/resources.ts'
import { awsCallsDirectory } from '../fixtures/aws-calls.ts'

let check: StackCheck

beforeAll(() => {
  check = checkRecordedCalls(awsCallsDirectory)
  if (check.calls.length === 0) {
    throw new Error(
      `no AWS calls recorded in ${awsCallsDirectory}: run the whole suite (npm test), whose unit and integration ` +
        'projects record them before this one runs',
    )
  }
})

/**
 * Grants no test needs, kept on purpose. Each says why; any other unused grant fails, so that a role keeps only
 * what its function uses.
 */
const allowances: { why: string; covers: (grant: Grant) => boolean }[] = [
  {
    why:
      "Item actions on the table itself: a function that declares the table gets the table's item actions, since " +
      'which of them an action takes (a delete or a condition check inside a transaction) changes with the code, ' +
      'and a hand-kept list per function is the kind of list this check exists to replace. Indexes are granted per ' +
      'function, by name, and checked.',
    covers: (g) => g.action.startsWith('dynamodb:') && !g.resource.includes('/index/'),
  },
  {
    why:
      "sqs:GetQueueUrl comes with CDK's SqsEventSource grant (grantConsumeMessages); the event source mapping never " +
      'calls it, nor does the function.',
    covers: (g) => g.action === 'sqs:GetQueueUrl',
  },
]

const unexplained = () => check.unused.filter((g) => !allowances.some((a) => a.covers(g)))

describe('the permission check', () => {
  it('saw every function make calls', () => {
    const seen = new Set(check.calls.map((c) => c.function))
    const missing = (Object.keys(functions) as FunctionName[]).filter((name) => !seen.has(name))
    expect(missing, 'functions no test made call AWS').toEqual([])
  })

  it("finds no recorded call that the function's role would refuse on AWS", () => {
    expect(check.denied, formatReport(check)).toEqual([])
    expect(check.notEvaluated).toEqual([])
  })

  it('finds no grant that no call used, beyond those kept on purpose', () => {
    // The list, for whoever narrows a role next.
    console.info(`${check.unused.length} grants unused, ${unexplained().length} unexplained`)
    expect(
      unexplained().map((g) => `${g.function}: ${g.action} on ${g.resource}`),
      'granted, never used by any recorded call: narrow the role, or exercise the call in a test',
    ).toEqual([])
  })

  it("refuses a call its function does not declare: the notifications queue from matters-api, as visits-api's once was", () => {
    const { templates, serviceStack } = synthesizedTemplates()
    const result = evaluatePermissions({
      templates,
      serviceStack,
      calls: [
        { function: 'matters-api', action: 'sqs:SendMessage', resource: { env: 'NOTIFICATIONS_QUEUE_URL' } },
        { function: 'matters-api', action: 'dynamodb:Query', resource: { env: 'TABLE_NAME', index: 'gsi2' } },
      ],
    })
    expect(result.denied.map((d) => `${d.function} ${d.action}`)).toEqual(
      expect.arrayContaining(['matters-api sqs:SendMessage', 'matters-api dynamodb:Query']),
    )
    expect(result.denied.find((d) => d.action === 'sqs:SendMessage')?.reason).toMatch(
      /^matters-api may not sqs:SendMessage on arn:aws:sqs:.*\(NOTIFICATIONS_QUEUE_URL\)/,
    )
  })
})
