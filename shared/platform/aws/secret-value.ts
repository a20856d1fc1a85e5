// Reads a secret string from Secrets Manager once per process.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager'

export const secretValue = (client: SecretsManagerClient, secretId: string): (() => Promise<string>) => {
  let value: Promise<string> | undefined
  return () => {
    value ??= client.send(new GetSecretValueCommand({ SecretId: secretId })).then(({ SecretString }) => {
      if (!SecretString) throw new Error(`secret ${secretId} has no string value`)
      return SecretString
    })
    value.catch(() => {
      value = undefined // a failed read is tried again on the next call
    })
    return value
  }
}
