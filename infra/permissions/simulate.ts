// A simulated deployment of synthesized templates: every resource gets a concrete name and ARN, and every
// intrinsic function resolves to the string CloudFormation would produce, without AWS.
import { type Environment, type Identity, identityOf, namePropertyOf } from './identities.ts'
import { evaluateIntrinsic, intrinsicOf, isRecord, noValue } from './intrinsics.ts'

export interface CfnResource {
  Type: string
  Properties?: Record<string, unknown>
  Metadata?: Record<string, unknown>
  Condition?: string
}

export interface CfnTemplate {
  Resources?: Record<string, CfnResource>
  Outputs?: Record<string, { Value?: unknown; Export?: { Name?: unknown }; Condition?: string }>
  Parameters?: Record<string, { Type?: string; Default?: unknown }>
  Conditions?: Record<string, unknown>
  Mappings?: Record<string, Record<string, Record<string, unknown>>>
}

/** One resource of one template. */
export interface ResourceRef {
  readonly stack: string
  readonly logicalId: string
  readonly type: string
  readonly properties: Readonly<Record<string, unknown>>
  /** Its `aws:cdk:path` metadata, when the app was synthesized with path metadata. */
  readonly path?: string
}

/** The resource a value was read from, and how: `Ref` or the Fn::GetAtt attribute. */
export interface Origin {
  readonly resource: ResourceRef
  readonly attribute: string
}

export interface SimulationOptions {
  /** @default '123456789012' */
  readonly account?: string
  /** @default 'eu-west-1' */
  readonly region?: string
  /** Parameter values by stack, for parameters without a usable Default. */
  readonly parameters?: Readonly<Record<string, Readonly<Record<string, string>>>>
}

export class SimulatedDeployment {
  readonly env: Environment
  private readonly identities = new Map<string, Identity>()
  private readonly conditions = new Map<string, boolean>()
  private exportIndex: Map<string, { stack: string; value: unknown }> | undefined

  constructor(
    private readonly templates: Readonly<Record<string, CfnTemplate>>,
    private readonly options: SimulationOptions = {},
  ) {
    this.env = {
      account: options.account ?? '123456789012',
      region: options.region ?? 'eu-west-1',
      partition: 'aws',
      urlSuffix: 'amazonaws.com',
    }
  }

  /** The resources that would exist (their Condition, if any, holds), of one stack or all, of one type or all. */
  resources(stack?: string, type?: string): ResourceRef[] {
    const stacks = stack === undefined ? Object.keys(this.templates) : [stack]
    return stacks.flatMap((name) =>
      Object.keys(this.template(name).Resources ?? {})
        .map((logicalId) => this.resource(name, logicalId))
        .filter((r): r is ResourceRef => r !== undefined && (type === undefined || r.type === type)),
    )
  }

  resource(stack: string, logicalId: string): ResourceRef | undefined {
    const raw = this.template(stack).Resources?.[logicalId]
    if (!raw || (raw.Condition !== undefined && !this.condition(stack, raw.Condition))) return undefined
    const path = raw.Metadata?.['aws:cdk:path']
    return {
      stack,
      logicalId,
      type: raw.Type,
      properties: raw.Properties ?? {},
      ...(typeof path === 'string' ? { path } : {}),
    }
  }

  /** The resource with this `aws:cdk:path` metadata. */
  resourceAt(path: string): ResourceRef | undefined {
    return this.resources().find((r) => r.path === path)
  }

  /** How errors and reports name a resource: its construct path, else stack/logicalId. */
  nameOf(resource: ResourceRef): string {
    return resource.path ?? `${resource.stack}/${resource.logicalId}`
  }

  /** What `Ref` (attribute 'Ref') or `Fn::GetAtt` returns for the resource. */
  attribute(resource: ResourceRef, attribute: string): string {
    const key = `${resource.stack}/${resource.logicalId}`
    let identity = this.identities.get(key)
    if (!identity) {
      const nameProperty = namePropertyOf(resource.type)
      const given = nameProperty === undefined ? undefined : resource.properties[nameProperty]
      const where = `${this.nameOf(resource)} ${nameProperty}`
      identity = identityOf(resource.type, {
        stack: resource.stack,
        logicalId: resource.logicalId,
        properties: resource.properties,
        givenName: given === undefined ? undefined : this.resolveString(resource.stack, given, where),
        env: this.env,
      })
      this.identities.set(key, identity)
    }
    if (attribute === 'Ref') return identity.ref
    const value = identity.attributes[attribute]
    if (value === undefined) {
      throw new Error(
        `${this.nameOf(resource)}: Fn::GetAtt ${attribute} of ${resource.type} is not known to the simulated ` +
          `deployment (known: ${Object.keys(identity.attributes).join(', ') || 'none'})`,
      )
    }
    return value
  }

  /** The value with every intrinsic resolved; `where` names the construct and property for error messages. */
  resolve(stack: string, value: unknown, where: string): unknown {
    const resolved = this.resolveValue(stack, value, where)
    return resolved === noValue ? undefined : resolved
  }

  resolveString(stack: string, value: unknown, where: string): string {
    const resolved = this.resolve(stack, value, where)
    if (typeof resolved === 'string') return resolved
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved)
    throw new Error(`${where}: expected a string, got ${JSON.stringify(resolved)}`)
  }

  /** The resource a value comes from, when it is a direct Ref, Fn::GetAtt or Fn::ImportValue chain to one. */
  originOf(stack: string, value: unknown, where: string): Origin | undefined {
    const intrinsic = intrinsicOf(value)
    if (!intrinsic) return undefined
    const [name, argument] = intrinsic
    if (name === 'Ref' && typeof argument === 'string') {
      const resource = this.resource(stack, argument)
      return resource && { resource, attribute: 'Ref' }
    }
    if (name === 'Fn::GetAtt') {
      const [logicalId, attribute] = this.getAttArguments(stack, argument, where)
      const resource = this.resource(stack, logicalId)
      return resource && { resource, attribute }
    }
    if (name === 'Fn::Sub' && typeof argument === 'string') {
      const single = /^\$\{([^!}][^}]*)\}$/.exec(argument)?.[1]
      if (single === undefined) return undefined
      const dot = single.indexOf('.')
      return dot < 0
        ? this.originOf(stack, { Ref: single }, where)
        : this.originOf(stack, { 'Fn::GetAtt': [single.slice(0, dot), single.slice(dot + 1)] }, where)
    }
    if (name === 'Fn::ImportValue') {
      const exported = this.exported(this.resolveString(stack, argument, where), where)
      return this.originOf(exported.stack, exported.value, `${where} (export in ${exported.stack})`)
    }
    if (name === 'Fn::GetStackOutput' && isRecord(argument)) {
      const output = this.stackOutput(stack, argument, where)
      return this.originOf(output.stack, output.value, `${where} (output of ${output.stack})`)
    }
    return undefined
  }

  /** The resources whose Ref or an attribute equals the value: for values built by Fn::Join or Fn::Sub. */
  identifiedBy(value: string): Origin[] {
    return this.resources().flatMap((resource) => {
      try {
        if (this.attribute(resource, 'Ref') === value) return [{ resource, attribute: 'Ref' }]
        const identity = this.identities.get(`${resource.stack}/${resource.logicalId}`)
        const match = Object.entries(identity?.attributes ?? {}).find(([, v]) => v === value)
        return match ? [{ resource, attribute: match[0] }] : []
      } catch {
        return [] // a resource whose name cannot be resolved names nothing we look for
      }
    })
  }

  private template(stack: string): CfnTemplate {
    const template = this.templates[stack]
    if (!template)
      throw new Error(`no template for stack ${stack} (have ${Object.keys(this.templates).join(', ')})`)
    return template
  }

  private condition(stack: string, name: string): boolean {
    const key = `${stack}/${name}`
    const known = this.conditions.get(key)
    if (known !== undefined) return known
    const definition = this.template(stack).Conditions?.[name]
    if (definition === undefined) throw new Error(`${stack}: condition ${name} is not defined`)
    const value = this.resolve(stack, definition, `${stack} condition ${name}`)
    if (typeof value !== 'boolean') throw new Error(`${stack} condition ${name}: not a boolean`)
    this.conditions.set(key, value)
    return value
  }

  private exported(name: string, where: string) {
    if (!this.exportIndex) {
      const index = new Map<string, { stack: string; value: unknown }>()
      for (const [stack, template] of Object.entries(this.templates)) {
        for (const [id, output] of Object.entries(template.Outputs ?? {})) {
          if (output.Export?.Name === undefined) continue
          if (output.Condition !== undefined && !this.condition(stack, output.Condition)) continue
          const exportName = this.resolveString(stack, output.Export.Name, `${stack} output ${id}`)
          if (index.has(exportName)) throw new Error(`export ${exportName} is declared twice`)
          index.set(exportName, { stack, value: output.Value })
        }
      }
      this.exportIndex = index
    }
    const found = this.exportIndex.get(name)
    if (!found) throw new Error(`${where}: Fn::ImportValue ${name}: no template exports it`)
    return found
  }

  /** The stack and value of the output that `Fn::GetStackOutput` reads (a weak cross-stack reference). */
  private stackOutput(stack: string, argument: Record<string, unknown>, where: string) {
    const producer = this.resolveString(stack, argument.StackName, where)
    const name = this.resolveString(stack, argument.OutputName, where)
    const output = this.template(producer).Outputs?.[name]
    if (!output) throw new Error(`${where}: Fn::GetStackOutput ${producer}.${name}: no such output`)
    return { stack: producer, value: output.Value }
  }

  private getAttArguments(stack: string, argument: unknown, where: string): [string, string] {
    if (typeof argument === 'string' && argument.includes('.')) {
      const dot = argument.indexOf('.')
      return [argument.slice(0, dot), argument.slice(dot + 1)]
    }
    if (Array.isArray(argument) && argument.length === 2 && typeof argument[0] === 'string') {
      return [argument[0], this.resolveString(stack, argument[1], where)]
    }
    throw new Error(`${where}: malformed Fn::GetAtt ${JSON.stringify(argument)}`)
  }

  private ref(stack: string, name: string, where: string): unknown {
    const pseudo: Record<string, unknown> = {
      'AWS::Region': this.env.region,
      'AWS::AccountId': this.env.account,
      'AWS::Partition': this.env.partition,
      'AWS::URLSuffix': this.env.urlSuffix,
      'AWS::StackName': stack,
      'AWS::StackId': `arn:${this.env.partition}:cloudformation:${this.env.region}:${this.env.account}:stack/${stack}/00000000-0000-0000-0000-000000000000`,
      'AWS::NotificationARNs': [],
      'AWS::NoValue': noValue,
    }
    if (name in pseudo) return pseudo[name]
    const parameter = this.template(stack).Parameters?.[name]
    if (parameter) {
      const given = this.options.parameters?.[stack]?.[name]
      const type = parameter.Type ?? 'String'
      if (
        given === undefined &&
        (parameter.Default === undefined || type.startsWith('AWS::SSM::Parameter'))
      ) {
        throw new Error(`${where}: Ref ${name}: parameter of type ${type} has no value in the simulation`)
      }
      const value = given ?? parameter.Default
      return /^(List<|CommaDelimitedList)/.test(type) && typeof value === 'string' ? value.split(',') : value
    }
    const resource = this.resource(stack, name)
    if (!resource) throw new Error(`${where}: Ref ${name}: no such resource or parameter in ${stack}`)
    return this.attribute(resource, 'Ref')
  }

  private resolveValue(stack: string, value: unknown, where: string): unknown {
    if (Array.isArray(value)) {
      return value.map((item) => this.resolveValue(stack, item, where)).filter((item) => item !== noValue)
    }
    if (!isRecord(value)) return value
    const intrinsic = intrinsicOf(value)
    if (!intrinsic) {
      const entries = Object.entries(value).map(([k, v]) => [k, this.resolveValue(stack, v, `${where}.${k}`)])
      return Object.fromEntries(entries.filter(([, v]) => v !== noValue))
    }
    return evaluateIntrinsic(intrinsic[0], intrinsic[1], {
      where,
      region: this.env.region,
      resolve: (v) => this.resolveValue(stack, v, where),
      resolveString: (v, at = where) => this.resolveString(stack, v, at),
      ref: (name) => this.ref(stack, name, where),
      getAtt: (argument) => {
        const [logicalId, attribute] = this.getAttArguments(stack, argument, where)
        const resource = this.resource(stack, logicalId)
        if (!resource)
          throw new Error(`${where}: Fn::GetAtt ${logicalId}.${attribute}: no such resource in ${stack}`)
        return this.attribute(resource, attribute)
      },
      importValue: (name) => {
        const exported = this.exported(name, where)
        return this.resolveValue(exported.stack, exported.value, `${where} (export in ${exported.stack})`)
      },
      stackOutput: (stackName, outputName) => {
        const output = this.stackOutput(stack, { StackName: stackName, OutputName: outputName }, where)
        return this.resolveValue(output.stack, output.value, `${where} (output of ${output.stack})`)
      },
      condition: (name) => this.condition(stack, name),
      mapping: (map, top, second) => this.template(stack).Mappings?.[map]?.[top]?.[second],
    })
  }
}
