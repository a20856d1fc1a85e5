// Would each function's role allow the AWS calls it was seen making? Answered offline from the synthesized
// templates, together with the grants that no call needed.

import type { RecordedCall } from '#shared/platform/aws/call-recorder.ts'
import { collectNeeds, denyAll } from './needs.ts'
import { policiesOfRole, type Statement, statementApplies } from './role-policies.ts'
import { type CfnTemplate, SimulatedDeployment } from './simulate.ts'

export type { RecordedCall }

/** One action on one resource that the function's role must allow. */
export interface Need {
  function: string
  action: string
  /** The ARN IAM checks, or '*' for an action without resource types. */
  resourceArn: string
  /** The variable, key, event source or log group it comes from, for reports. */
  why: string
  /** Further ARNs any of which satisfies the need too (a log group's ARN for its streams). */
  alsoMatches?: readonly string[]
}

export interface Denial {
  function: string
  action: string
  /** Absent when the call could not even be tied to a resource. */
  resource?: string
  why: string
  /** A sentence for the console: who may not do what, on what, and why not. */
  reason: string
}

/** One action pattern on one resource pattern of an Allow statement. */
export interface Grant {
  function: string
  action: string
  resource: string
  statement: string
}

/** Something attached to a role, or done on its behalf, that the evaluation could not take into account. */
export interface NotEvaluated {
  function: string
  subject: string
  reason: string
}

export interface EvaluationResult {
  denied: Denial[]
  unused: Grant[]
  checked: Need[]
  notEvaluated: NotEvaluated[]
}

export interface EvaluationInput {
  /** Templates by stack name (the artifact's stackName). */
  readonly templates: Readonly<Record<string, CfnTemplate>>
  /** The stack that holds the functions. */
  readonly serviceStack: string
  readonly calls: readonly RecordedCall[]
  /** @default 'eu-west-1' */
  readonly region?: string
  /** @default '123456789012' */
  readonly account?: string
  /** Functions to check even if no call of theirs was recorded (their platform needs and unused grants). */
  readonly functions?: readonly string[]
  /**
   * The `aws:cdk:path` of a function's AWS::Lambda::Function (the CDK CLI writes path metadata by default; an
   * `App` built in a test needs the context `aws:cdk:enable-path-metadata: true`).
   * @default `<serviceStack>/<name>/Function/Resource`, as ServiceFunction builds it
   */
  readonly functionPath?: (name: string, serviceStack: string) => string
}

const defaultFunctionPath = (name: string, serviceStack: string) =>
  `${serviceStack}/${name}/Function/Resource`

/** Each action × resource pattern of a statement, as a statement of its own. */
const grantsOf = (statement: Statement) => {
  const { notActions, notResources } = statement
  const actions = notActions
    ? [{ notActions, label: `NotAction(${notActions.join(', ')})` }]
    : (statement.actions ?? []).map((action) => ({ actions: [action], label: action }))
  const resources = notResources
    ? [{ notResources, label: `NotResource(${notResources.join(', ')})` }]
    : (statement.resources ?? []).map((resource) => ({ resources: [resource], label: resource }))
  return actions.flatMap(({ label: action, ...a }) =>
    resources.map(({ label: resource, ...r }) => ({ action, resource, part: { ...statement, ...a, ...r } })),
  )
}

const dedupe = (needs: readonly Need[]) => {
  const seen = new Set<string>()
  return needs.filter((need) => {
    const key = `${need.action.toLowerCase()} ${need.resourceArn}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

export const evaluatePermissions = (input: EvaluationInput): EvaluationResult => {
  const deployment = new SimulatedDeployment(input.templates, {
    ...(input.region ? { region: input.region } : {}),
    ...(input.account ? { account: input.account } : {}),
  })
  const pathOf = input.functionPath ?? defaultFunctionPath
  const result: EvaluationResult = { denied: [], unused: [], checked: [], notEvaluated: [] }
  const names = [...new Set([...(input.functions ?? []), ...input.calls.map((call) => call.function)])]

  for (const name of names) {
    const calls = input.calls.filter((call) => call.function === name)
    const path = pathOf(name, input.serviceStack)
    const lambda = deployment.resourceAt(path)
    if (lambda?.type !== 'AWS::Lambda::Function') {
      result.denied.push(...denyAll(name, calls, `no AWS::Lambda::Function has the path ${path}`))
      continue
    }
    const role = deployment.originOf(lambda.stack, lambda.properties.Role, `${path} Role`)?.resource
    if (role?.type !== 'AWS::IAM::Role') {
      result.denied.push(...denyAll(name, calls, `its Role is not an AWS::IAM::Role of the templates`))
      continue
    }
    const { statements, notes } = policiesOfRole(deployment, role)
    for (const reason of notes) result.notEvaluated.push({ function: name, subject: role.logicalId, reason })
    for (const statement of statements.filter((s) => s.conditional)) {
      const effect = statement.effect === 'Allow' ? 'not counted as granting' : 'not applied'
      result.notEvaluated.push({
        function: name,
        subject: statement.label,
        reason: `has a Condition: ${effect}`,
      })
    }
    const effective = statements.filter((s) => !s.conditional)
    const collected = collectNeeds(deployment, lambda, name, calls)
    const needs = dedupe(collected.needs)
    result.denied.push(...collected.denied)
    result.notEvaluated.push(...collected.notes)
    result.checked.push(...needs)

    for (const need of needs) {
      const deny = effective.find((s) => s.effect === 'Deny' && statementApplies(s, need))
      const allowed = effective.some((s) => s.effect === 'Allow' && statementApplies(s, need))
      if (deny === undefined && allowed) continue
      const problem = deny
        ? `${deny.label} of role ${role.logicalId} denies it`
        : `no statement of role ${role.logicalId} allows it`
      result.denied.push({
        function: name,
        action: need.action,
        resource: need.resourceArn,
        why: need.why,
        reason: `${name} may not ${need.action} on ${need.resourceArn} (${need.why}): ${problem}`,
      })
    }
    for (const statement of effective.filter((s) => s.effect === 'Allow')) {
      for (const grant of grantsOf(statement)) {
        if (needs.some((need) => statementApplies(grant.part, need))) continue
        result.unused.push({
          function: name,
          action: grant.action,
          resource: grant.resource,
          statement: statement.label,
        })
      }
    }
  }
  return result
}

/** The result as console lines: a summary, then what is denied, unused and not evaluated. */
export const formatReport = (result: EvaluationResult): string => {
  const lines = [
    `${result.checked.length} needs checked: ${result.denied.length} denied, ${result.unused.length} grants unused, ` +
      `${result.notEvaluated.length} not evaluated`,
  ]
  const section = (title: string, items: string[]) => {
    if (items.length > 0) lines.push('', `${title}:`, ...items.map((item) => `  - ${item}`))
  }
  section(
    'Denied',
    result.denied.map((denial) => denial.reason),
  )
  section(
    'Unused grants',
    result.unused.map(
      (grant) => `${grant.function}: ${grant.action} on ${grant.resource} (${grant.statement})`,
    ),
  )
  section(
    'Not evaluated',
    result.notEvaluated.map((item) => `${item.function}: ${item.subject}: ${item.reason}`),
  )
  return lines.join('\n')
}
