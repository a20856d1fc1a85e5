// Builds the CDK app: the two stacks of one stage, checked by cdk-nag AwsSolutions. Used by app.ts and the tests.
import {
  App,
  type AppProps,
  CrossStackReferences,
  type Environment,
  ReferenceStrength,
  Validations,
} from 'aws-cdk-lib'
import { AwsSolutionsChecks } from 'cdk-nag'
import { type ServiceSettings, ServiceStack } from './service-stack.ts'
import { StatefulStack } from './stateful-stack.ts'

export interface AftercareAppProps {
  /** Names the stacks, so that several stages fit in one account. @default 'dev' */
  readonly stage?: string
  readonly env?: Environment
  readonly settings?: ServiceSettings
  readonly appProps?: AppProps
}

export const createAftercareApp = (props: AftercareAppProps = {}) => {
  const stage = props.stage ?? 'dev'
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(stage)) {
    throw new Error(`stage "${stage}": letters, digits and dashes only (it names the stacks)`)
  }
  const app = new App(props.appProps)
  // Exports and imports: CloudFormation keeps the stateful stack from losing what the service stack uses. Chosen
  // explicitly, since CDK warns when the strength is left to its default.
  CrossStackReferences.of(app).consume(ReferenceStrength.STRONG)
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app))
  const description = `Aftercare (${stage})`
  const stateful = new StatefulStack(app, `Aftercare-${stage}-Stateful`, {
    env: props.env,
    description: `${description}: key, table, queues, topics, user pool`,
  })
  const service = new ServiceStack(app, `Aftercare-${stage}-Service`, {
    env: props.env,
    description: `${description}: functions, HTTP API, schedules, alarms`,
    data: stateful,
    settings: props.settings,
  })
  return { app, stateful, service }
}
