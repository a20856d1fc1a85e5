// The statements of a role as the templates attach them, resolved, and how IAM matches one against a request.
import type { ResourceRef, SimulatedDeployment } from './simulate.ts'

export interface Statement {
  readonly effect: 'Allow' | 'Deny'
  /** Exactly one of `actions` and `notActions` is set, and one of `resources` and `notResources`. */
  readonly actions?: readonly string[]
  readonly notActions?: readonly string[]
  readonly resources?: readonly string[]
  readonly notResources?: readonly string[]
  readonly conditional: boolean
  /** e.g. `visitsapiRoleDefaultPolicy… statement 2`, for reports. */
  readonly label: string
}

/** A request as IAM sees it: one action on one resource ARN, or on `*` for actions without resource types. */
export interface Request {
  readonly action: string
  readonly resourceArn: string
  /** Further ARNs any of which satisfies the request too (a log group's own ARN for its log streams). */
  readonly alsoMatches?: readonly string[]
}

export interface RolePolicies {
  readonly statements: Statement[]
  /** What is attached to the role but cannot be read from the templates. */
  readonly notes: string[]
}

const asList = (value: unknown): string[] | undefined => {
  if (value === undefined) return undefined
  const items = Array.isArray(value) ? value : [value]
  return items.map((item) => {
    if (typeof item !== 'string') throw new Error(`policy element ${JSON.stringify(item)} is not a string`)
    return item
  })
}

const statementsOf = (document: unknown, label: string): Statement[] => {
  const raw = (document as { Statement?: unknown } | undefined)?.Statement
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
  return list.map((item: Record<string, unknown>, index) => {
    const effect = item.Effect
    if (effect !== 'Allow' && effect !== 'Deny') throw new Error(`${label}: statement ${index} has no Effect`)
    const actions = asList(item.Action)
    const notActions = asList(item.NotAction)
    const resources = asList(item.Resource)
    const notResources = asList(item.NotResource)
    return {
      effect,
      ...(actions ? { actions } : {}),
      ...(notActions ? { notActions } : {}),
      ...(resources ? { resources } : {}),
      ...(notResources ? { notResources } : {}),
      conditional: item.Condition !== undefined,
      label: `${label} statement ${typeof item.Sid === 'string' && item.Sid !== '' ? item.Sid : index}`,
    }
  })
}

/** Whether a list of role references (a policy's `Roles`) names this role. */
const namesRole = (deployment: SimulatedDeployment, holder: ResourceRef, role: ResourceRef): boolean => {
  const roles = holder.properties.Roles
  if (!Array.isArray(roles)) return false
  const where = `${deployment.nameOf(holder)} Roles`
  return roles.some((entry) => {
    const origin = deployment.originOf(holder.stack, entry, where)
    if (origin) return origin.resource.stack === role.stack && origin.resource.logicalId === role.logicalId
    return deployment.resolveString(holder.stack, entry, where) === deployment.attribute(role, 'Ref')
  })
}

/** Every statement attached to the role: inline policies, AWS::IAM::Policy and customer managed policies. */
export const policiesOfRole = (deployment: SimulatedDeployment, role: ResourceRef): RolePolicies => {
  const statements: Statement[] = []
  const notes: string[] = []
  const roleName = deployment.nameOf(role)
  const read = (holder: ResourceRef, document: unknown, label: string) =>
    statements.push(...statementsOf(deployment.resolve(holder.stack, document, label), label))

  const inline = Array.isArray(role.properties.Policies) ? role.properties.Policies : []
  inline.forEach((policy: Record<string, unknown>, index) => {
    read(role, policy.PolicyDocument, `${role.logicalId} inline ${String(policy.PolicyName ?? index)}`)
  })
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const policy of deployment.resources(undefined, type)) {
      if (namesRole(deployment, policy, role))
        read(policy, policy.properties.PolicyDocument, policy.logicalId)
    }
  }
  const managed = Array.isArray(role.properties.ManagedPolicyArns) ? role.properties.ManagedPolicyArns : []
  for (const entry of managed) {
    const where = `${roleName} ManagedPolicyArns`
    const origin = deployment.originOf(role.stack, entry, where)
    if (origin?.resource.type === 'AWS::IAM::ManagedPolicy') {
      // Counted once: a managed policy that also lists the role in its Roles was read above.
      if (!namesRole(deployment, origin.resource, role)) {
        read(origin.resource, origin.resource.properties.PolicyDocument, origin.resource.logicalId)
      }
    } else {
      const policyArn = deployment.resolveString(role.stack, entry, where)
      notes.push(`managed policy ${policyArn} is not in the templates: its statements were not evaluated`)
    }
  }
  if (role.properties.PermissionsBoundary !== undefined) {
    notes.push('the permissions boundary was not applied: a need allowed here may still be refused')
  }
  return { statements, notes }
}

// IAM wildcards: `*` any run of characters, `?` any one character.
const wildcard = (pattern: string, flags: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    flags,
  )

/** Action names are case-insensitive in IAM. */
export const actionMatches = (pattern: string, action: string) => wildcard(pattern, 'i').test(action)

/** A request on `*` (an action without resource types) is matched by `*` only; ARNs are case-sensitive. */
export const resourceMatches = (pattern: string, request: Request) =>
  request.resourceArn === '*'
    ? pattern === '*'
    : [request.resourceArn, ...(request.alsoMatches ?? [])].some((arn) => wildcard(pattern, '').test(arn))

/**
 * Whether the statement applies to the request, its Effect and Condition aside. A statement without Action or
 * Resource (IAM would refuse the policy) applies to nothing.
 */
export const statementApplies = (statement: Statement, request: Request): boolean => {
  const action = statement.notActions
    ? !statement.notActions.some((pattern) => actionMatches(pattern, request.action))
    : (statement.actions ?? []).some((pattern) => actionMatches(pattern, request.action))
  if (!action) return false
  return statement.notResources
    ? !statement.notResources.some((pattern) => resourceMatches(pattern, request))
    : (statement.resources ?? []).some((pattern) => resourceMatches(pattern, request))
}
