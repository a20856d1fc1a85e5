// How a function entry becomes a Lambda handler: dependencies built once per process from the checked config and
// from what the function declares it uses (shared/platform/resources.ts).
import type { Context } from 'aws-lambda'
import { loadConfig } from './config.ts'
import { type AppDeps, createDeps } from './deps.ts'
import type { FunctionName } from './resources.ts'

type Handler<E, R> = (event: E, context: Context) => Promise<R>

/**
 * On Lambda the handler is built at cold start, so a bad configuration fails the init (the rejection is not
 * caught there: Node stops the init with it). Imported elsewhere (local mode, tests) nothing is read from the
 * environment until the first call: they call the factory with their own deps.
 */
export const lambdaHandler = <E, R>(fn: FunctionName, create: (deps: AppDeps) => Handler<E, R>) => {
  const build = () => createDeps(loadConfig(), { function: fn }).then(create)
  let built = process.env.AWS_LAMBDA_FUNCTION_NAME ? build() : undefined
  return async (event: E, context: Context): Promise<R> => {
    built ??= build()
    return (await built)(event, context)
  }
}
