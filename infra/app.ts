// The CDK app (cdk.json runs it). AFTERCARE_STAGE names the stage, `dev` by default.
import { createAftercareApp } from './aftercare-app.ts'

const account = process.env.CDK_DEFAULT_ACCOUNT
const region = process.env.CDK_DEFAULT_REGION

createAftercareApp({
  stage: process.env.AFTERCARE_STAGE || undefined,
  env: account && region ? { account, region } : undefined,
})
