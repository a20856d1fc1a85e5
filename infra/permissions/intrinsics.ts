// CloudFormation's intrinsic functions, evaluated over already-resolved arguments for the simulated deployment.

/** `Ref: AWS::NoValue`: the property is left out. */
export const noValue = Symbol('AWS::NoValue')

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** `[name, argument]` when the value is an intrinsic function call (or a `Condition` reference). */
export const intrinsicOf = (value: unknown): [string, unknown] | undefined => {
  if (!isRecord(value)) return undefined
  const keys = Object.keys(value)
  const [key] = keys
  if (keys.length !== 1 || key === undefined) return undefined
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? [key, value[key]] : undefined
}

/** What an intrinsic needs from the template it appears in. */
export interface Scope {
  /** The construct and property being resolved, for error messages. */
  readonly where: string
  readonly region: string
  resolve(value: unknown): unknown
  resolveString(value: unknown, where?: string): string
  ref(name: string): unknown
  getAtt(argument: unknown): string
  importValue(name: string): unknown
  /** `Fn::GetStackOutput` (weak cross-stack references): an output of another stack of the same app. */
  stackOutput(stackName: string, outputName: string): unknown
  condition(name: string): boolean
  mapping(map: string, top: string, second: string): unknown
}

const sub = (argument: unknown, scope: Scope): string => {
  const [text, variables] = Array.isArray(argument) ? argument : [argument, {}]
  if (typeof text !== 'string' || !isRecord(variables)) throw new Error(`${scope.where}: malformed Fn::Sub`)
  return text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`
    if (name in variables) return scope.resolveString(variables[name], `${scope.where} Fn::Sub ${name}`)
    const dot = name.indexOf('.')
    const reference = dot < 0 ? { Ref: name } : { 'Fn::GetAtt': [name.slice(0, dot), name.slice(dot + 1)] }
    return scope.resolveString(reference, `${scope.where} Fn::Sub \${${name}}`)
  })
}

/** The value of one intrinsic; anything CloudFormation offers that is not listed here throws, naming it. */
export const evaluateIntrinsic = (name: string, argument: unknown, scope: Scope): unknown => {
  const { where } = scope
  const list = (value: unknown): unknown[] => {
    const resolved = scope.resolve(value)
    if (!Array.isArray(resolved))
      throw new Error(`${where}: ${name} expects a list, got ${JSON.stringify(resolved)}`)
    return resolved
  }
  const args = (count: number): unknown[] => {
    if (!Array.isArray(argument) || argument.length !== count) throw new Error(`${where}: malformed ${name}`)
    return argument
  }
  switch (name) {
    case 'Ref':
      return scope.ref(scope.resolveString(argument))
    case 'Condition':
      return scope.condition(String(argument))
    case 'Fn::GetAtt':
      return scope.getAtt(argument)
    case 'Fn::ImportValue':
      return scope.importValue(scope.resolveString(argument))
    case 'Fn::GetStackOutput': {
      if (!isRecord(argument)) throw new Error(`${scope.where}: malformed Fn::GetStackOutput`)
      return scope.stackOutput(
        scope.resolveString(argument.StackName),
        scope.resolveString(argument.OutputName),
      )
    }
    case 'Fn::Join': {
      const [delimiter, items] = args(2)
      return list(items)
        .map((item) => scope.resolveString(item))
        .join(String(delimiter))
    }
    case 'Fn::Select': {
      const [index, items] = args(2)
      const position = Number(scope.resolve(index))
      const chosen = list(items)[position]
      if (chosen === undefined) throw new Error(`${where}: Fn::Select index ${position} out of range`)
      return chosen
    }
    case 'Fn::Split': {
      const [delimiter, source] = args(2)
      return scope.resolveString(source).split(String(delimiter))
    }
    case 'Fn::Sub':
      return sub(argument, scope)
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = args(3)
      return scope.resolve(scope.condition(String(condition)) ? whenTrue : whenFalse)
    }
    case 'Fn::Equals': {
      const [a, b] = args(2)
      return JSON.stringify(scope.resolve(a)) === JSON.stringify(scope.resolve(b))
    }
    case 'Fn::Not':
      return !list(argument)[0]
    case 'Fn::And':
      return list(argument).every(Boolean)
    case 'Fn::Or':
      return list(argument).some(Boolean)
    case 'Fn::FindInMap': {
      const [map = '', top = '', second = ''] = args(3).map((part) => scope.resolveString(part))
      const found = scope.mapping(map, top, second)
      if (found === undefined) throw new Error(`${where}: Fn::FindInMap ${map}.${top}.${second} not found`)
      return found
    }
    case 'Fn::Base64':
      return Buffer.from(scope.resolveString(argument)).toString('base64')
    case 'Fn::GetAZs':
      return ['a', 'b', 'c'].map((zone) => `${scope.region}${zone}`)
    default:
      throw new Error(`${where}: ${name} is not supported by the simulated deployment`)
  }
}
