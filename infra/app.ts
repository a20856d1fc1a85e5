// The CDK app (cdk.json runs it). Its environment is checked by cdkAppSchema (shared/config.ts): AFTERCARE_STAGE
// names the stage, `dev` by default; CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION, set by the CDK CLI when it finds
// credentials, pin the stacks to that account and region (both or neither).
import { loadCdkAppConfig } from '#shared/config.ts'
import { createAftercareApp } from './aftercare-app.ts'

let config: ReturnType<typeof loadCdkAppConfig>
try {
  config = loadCdkAppConfig()
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
const { AFTERCARE_STAGE: stage, CDK_DEFAULT_ACCOUNT: account, CDK_DEFAULT_REGION: region } = config

createAftercareApp({ stage, env: account && region ? { account, region } : undefined })
