// How a function entry becomes a Lambda handler: dependencies built once per process from the checked config, from
// what the function declares it uses (shared/platform/resources.ts) and from the adapters its entry hands over, which
// are all its bundle holds of the AWS SDK.
import type { Context } from 'aws-lambda'
import { composeDeps, whenReady } from './compose-deps.ts'
import { loadConfig } from './config.ts'
import type { Adapters, AppDeps } from './deps.ts'
import type { FunctionName } from './resources.ts'

type Handler<E, R> = (event: E, context: Context) => Promise<R>

/**
 * On Lambda the handler is built at cold start, so a bad configuration, or a declared use without its adapter, fails
 * the init (the rejection is not caught there: Node stops the init with it). Building it makes no AWS call: clients
 * are made on first use, and what the deps must fetch (the blind-index key) is fetched by the first invocation.
 * Imported elsewhere (local mode, tests) nothing is read from the environment until the first call: they call the
 * factory with their own deps.
 */
export const lambdaHandler = <E, R>(
  fn: FunctionName,
  adapters: Adapters,
  create: (deps: AppDeps) => Handler<E, R>,
) => {
  const build = () =>
    composeDeps(loadConfig(), { function: fn, adapters }).then((deps) => ({ deps, handler: create(deps) }))
  let built = process.env.AWS_LAMBDA_FUNCTION_NAME ? build() : undefined
  return async (event: E, context: Context): Promise<R> => {
    built ??= build()
    const { deps, handler } = await built
    await whenReady(deps)
    return handler(event, context)
  }
}
