// One error family: statusCode says what the caller gets, expose whether the message reaches them (never for a 5xx).

export class AppError extends Error {
  readonly statusCode: number
  readonly expose: boolean
  readonly details: Record<string, unknown> | undefined

  constructor(
    message: string,
    statusCode: number,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, { cause: options?.cause })
    this.name = new.target.name
    this.statusCode = statusCode
    this.expose = statusCode < 500
    this.details = options?.details
  }
}

export interface FieldProblem {
  field: string
  reason: string
}

/** A request or message that fails its schema: names each field and the reason. */
export class ValidationError extends AppError {
  readonly problems: FieldProblem[]
  constructor(problems: FieldProblem[], statusCode = 400) {
    super(problems.map((p) => `${p.field}: ${p.reason}`).join('; '), statusCode)
    this.problems = problems
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'a valid bearer token is required') {
    super(message, 401)
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(message, 403)
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(message, 404)
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, 409, { details })
  }
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** zod issues → field problems, with the path joined as `a.b[0].c`. */
export const problemsFromZod = (
  issues: ReadonlyArray<{
    path: ReadonlyArray<PropertyKey>
    message: string
    code?: string
    keys?: string[]
  }>,
  prefix?: string,
): FieldProblem[] =>
  issues.flatMap((i) => {
    const fieldOf = (path: ReadonlyArray<PropertyKey>) =>
      [
        prefix,
        path.map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n === 0 ? '' : '.'}${String(p)}`)).join(''),
      ]
        .filter(Boolean)
        .join('.') || '(body)'
    // A field the route does not know: one problem per field, named by it.
    if (i.code === 'unrecognized_keys' && i.keys && i.keys.length > 0) {
      return i.keys.map((key) => ({ field: fieldOf([...i.path, key]), reason: i.message }))
    }
    return [{ field: fieldOf(i.path), reason: i.message }]
  })
