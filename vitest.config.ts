import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

// Where the unit and integration runs record every AWS call each function makes (tests/fixtures/aws-calls.ts), for
// the permission check that runs after them. Set before the workers start, so that they all inherit the one folder;
// set it yourself to check the calls of another run (npm start records into .aftercare/aws-calls).
process.env.AFTERCARE_AWS_CALLS ??= mkdtempSync(join(tmpdir(), 'aftercare-aws-calls-'))

// The CDK feature flags of cdk.json, as the CDK CLI hands them to the app (CDK_CONTEXT_JSON): the stacks the infra and
// permissions projects synthesize are the ones `cdk synth` and `cdk deploy` make. (Not the unit project's: its apps
// are its own small ones.)
const cdkContext = JSON.stringify(
  (JSON.parse(readFileSync(new URL('./cdk.json', import.meta.url), 'utf8')) as { context: object }).context,
)

export default defineConfig({
  test: {
    // Vitest's default is one worker fewer than the cores: one, on these 2-core machines. The integration files
    // mostly wait on the emulators and on visibility timeouts, so three at a time finish the run much sooner.
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          // One DynamoDB Local for the whole run; each test file gets its own fauxqs and its own table prefix.
          globalSetup: ['tests/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['tests/infra/**/*.test.ts'],
          env: { CDK_CONTEXT_JSON: cdkContext },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'permissions',
          include: ['tests/permissions/**/*.test.ts'],
          env: { CDK_CONTEXT_JSON: cdkContext },
          // After every other project: it reads the AWS calls they recorded.
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})
