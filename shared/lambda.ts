// How a function entry becomes a Lambda handler: dependencies built once per process from the checked config.
import type { Context } from 'aws-lambda'
import { loadConfig } from './config.ts'
import { type AppDeps, createDeps } from './deps.ts'

let shared: AppDeps | undefined
const lambdaDeps = () => {
  shared ??= createDeps(loadConfig())
  return shared
}

/**
 * On Lambda the handler is built at cold start, so a bad configuration fails the init. Imported elsewhere (local
 * mode, tests) nothing is read from the environment until the first call: they call the factory with their own deps.
 */
export const lambdaHandler = <E, R>(
  create: (deps: AppDeps) => (event: E, context: Context) => Promise<R>,
) => {
  let built = process.env.AWS_LAMBDA_FUNCTION_NAME ? create(lambdaDeps()) : undefined
  return (event: E, context: Context): Promise<R> => {
    built ??= create(lambdaDeps())
    return built(event, context)
  }
}
