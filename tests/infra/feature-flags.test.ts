// The CDK app deploys with the feature flags `cdk init` writes for the installed aws-cdk-lib, set in cdk.json, and
// the stacks the tests synthesize have them too (vitest.config.ts hands them over as the CDK CLI does).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createAftercareApp } from '../../infra/aftercare-app.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cdkJson = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as {
  app: string
  context: Record<string, unknown>
}
const recommended = createRequire(import.meta.url)('aws-cdk-lib/recommended-feature-flags.json') as Record<
  string,
  unknown
>

/** Set otherwise on purpose, each with its reason (decision 0018). */
const exceptions: Record<string, { value: unknown; why: string }> = {
  '@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption': {
    value: false,
    why:
      'topics and queues share one KMS key: the statement it adds names the topic, which names the key, a cycle ' +
      'CloudFormation refuses',
  },
}

describe('the feature flags', () => {
  it("are the installed aws-cdk-lib's recommended ones, but for the exceptions", () => {
    expect(Object.keys(recommended).length).toBeGreaterThan(50)
    const expected = {
      ...recommended,
      ...Object.fromEntries(Object.entries(exceptions).map(([k, e]) => [k, e.value])),
    }
    expect(cdkJson.context).toEqual(expected)
    for (const flag of Object.keys(exceptions)) expect(recommended, flag).toHaveProperty(flag)
  })

  it('reach the app the tests synthesize', () => {
    const { app } = createAftercareApp({ appProps: { context: { 'aws:cdk:bundling-stacks': [] } } })
    // The app chooses its cross-stack references itself (CrossStackReferences.of(app), infra/aftercare-app.ts).
    expect(app.node.tryGetContext('@aws-cdk/core:defaultCrossStackReferences')).toBe('strong')
    for (const [flag, value] of Object.entries(cdkJson.context)) {
      if (flag === '@aws-cdk/core:defaultCrossStackReferences') continue
      expect(app.node.tryGetContext(flag), flag).toEqual(value)
    }
  })
})
