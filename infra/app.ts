// The CDK app (cdk.json runs it). Its environment is checked by cdkAppSchema (shared/platform/config.ts): AFTERCARE_STAGE
// names the stage, `dev` by default; CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION together, as the CDK CLI sets them
// when it finds credentials, pin the stacks to that account and region. The CLI sets the region alone when it finds
// none: the stacks stay environment-agnostic. The account alone is refused.
import { loadCdkAppConfig } from '#shared/platform/config.ts'
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
