// The permission check of this app: the synthesized Aftercare stacks (no bundling) against the AWS calls each
// function was recorded making. Used by tests/permissions and by `npm run permissions`.
import { readRecordedCalls } from '#shared/platform/aws/call-recorder.ts'
import { functions } from '#shared/platform/resources.ts'
import { createAftercareApp } from '../aftercare-app.ts'
import { type EvaluationResult, evaluatePermissions, type RecordedCall } from './evaluate.ts'
import type { CfnTemplate } from './simulate.ts'

export interface StackCheck extends EvaluationResult {
  calls: RecordedCall[]
}

export const synthesizedTemplates = () => {
  const { app, stateful, service } = createAftercareApp({
    appProps: {
      // No esbuild: the roles are complete without the bundles. The CDK CLI writes path metadata; a bare App does not.
      context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true },
    },
  })
  const assembly = app.synth()
  const templates: Record<string, CfnTemplate> = {}
  for (const stack of [stateful, service]) {
    templates[stack.stackName] = assembly.getStackArtifact(stack.artifactId).template as CfnTemplate
  }
  return { templates, serviceStack: service.stackName }
}

/** Every call recorded in `directory`, held against the roles of every declared function. */
export const checkRecordedCalls = (directory: string): StackCheck => {
  const calls = readRecordedCalls(directory)
  const { templates, serviceStack } = synthesizedTemplates()
  const result = evaluatePermissions({ templates, serviceStack, calls, functions: Object.keys(functions) })
  return { ...result, calls }
}
