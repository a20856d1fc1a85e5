// What the Lambda bundles load in place of the SDK's default credential chain (infra/bundling.ts aliases
// `@aws-sdk/credential-provider-node` to this file). Lambda hands a function its role's credentials in environment
// variables, so the chain's other links (profiles and config files, SSO, web identity, the container and instance
// metadata endpoints, and the STS and SSO clients they carry) can never answer first there: the bundle leaves them
// out. Local mode and the tests are not bundled; they keep the SDK's own chain and their explicit credentials.
import { fromEnv } from '@aws-sdk/credential-provider-env'

/** The export every client's runtime configuration takes from `@aws-sdk/credential-provider-node`. */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init)
