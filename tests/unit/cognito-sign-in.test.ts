// The sign-in port on Cognito, against a mocked user pool: AdminCreateUser makes the account and gives its UUID
// subject; a retried request (the account exists) reads it with AdminGetUser and links the same subject. The calls
// are recorded as directory-api's for the permission check (Cognito has no local engine).
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AliasExistsException,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider'
import { mockClient } from 'aws-sdk-client-mock'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CognitoSignIn } from '../../shared/directory/sign-in/cognito-sign-in.ts'
import { recordMockedCalls } from '../../shared/platform/aws/call-recorder.ts'
import { ConflictError } from '../../shared/platform/errors.ts'
import { recordedCalls } from '../fixtures/aws-calls.ts'

const poolId = 'ap-east-1_AbC123'
const issuer = `https://cognito-idp.ap-east-1.amazonaws.com/${poolId}`
const sub = '5b2c7d3e-0f41-4a8b-9c6d-2e1f0a9b8c7d'
const cognito = mockClient(CognitoIdentityProviderClient)

beforeEach(() => cognito.reset())
// What directory-api called, for tests/permissions: the same pool id as USER_POOL_ID.
afterEach(() =>
  recordMockedCalls(cognito.calls(), 'cognito-idp', 'directory-api', { USER_POOL_ID: poolId }, recordedCalls),
)
afterAll(() => cognito.restore())

const signIns = () =>
  new CognitoSignIn(new CognitoIdentityProviderClient({ region: 'ap-east-1' }), poolId, issuer)
const person = { username: 'wang', email: 'wang@xihu.gov.cn', name: '王芳' }

describe('creating a sign-in in the user pool', () => {
  it('creates the account with a verified e-mail and links its UUID subject', async () => {
    cognito.on(AdminCreateUserCommand).resolves({
      User: { Username: 'wang', Attributes: [{ Name: 'sub', Value: sub }] },
    })
    expect(await signIns().createSignIn(person)).toEqual({ issuer, subject: sub, existed: false })
    const [call] = cognito.commandCalls(AdminCreateUserCommand)
    expect(call?.args[0].input).toEqual({
      UserPoolId: poolId,
      Username: 'wang',
      UserAttributes: [
        { Name: 'email', Value: 'wang@xihu.gov.cn' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: '王芳' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    })
  })

  it('links the account that is there when a retried request finds it made', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejects(new UsernameExistsException({ message: 'User account already exists', $metadata: {} }))
    cognito.on(AdminGetUserCommand).resolves({
      Username: 'wang',
      UserAttributes: [
        { Name: 'sub', Value: sub },
        { Name: 'email', Value: 'Wang@xihu.gov.cn' },
      ],
    })
    expect(await signIns().createSignIn(person)).toEqual({ issuer, subject: sub, existed: true })
    expect(cognito.commandCalls(AdminGetUserCommand)[0]?.args[0].input).toEqual({
      UserPoolId: poolId,
      Username: 'wang',
    })
  })

  it('refuses to link an account of that name that is someone else: another case or another e-mail', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejects(new UsernameExistsException({ message: 'User account already exists', $metadata: {} }))
    for (const [Username, email] of [
      ['Wang', 'wang@xihu.gov.cn'],
      ['wang', 'wang.f@binjiang.gov.cn'],
    ]) {
      cognito.on(AdminGetUserCommand).resolves({
        Username,
        UserAttributes: [
          { Name: 'sub', Value: sub },
          { Name: 'email', Value: email },
        ],
      })
      const refused = signIns().createSignIn(person)
      await expect(refused).rejects.toBeInstanceOf(ConflictError)
      await expect(refused).rejects.toThrow(
        `a sign-in account named ${Username} exists with another e-mail: link it by its subject, or remove it in the user pool first`,
      )
    }
  })

  it('answers 409 when the e-mail is already the alias of another account', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejects(
        new AliasExistsException({ message: 'An account with the email already exists.', $metadata: {} }),
      )
    const refused = signIns().createSignIn(person)
    await expect(refused).rejects.toBeInstanceOf(ConflictError)
    await expect(refused).rejects.toThrow(
      'email: wang@xihu.gov.cn is already the e-mail of another sign-in account',
    )
  })

  it('passes any other failure on', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))
    await expect(signIns().createSignIn(person)).rejects.toThrow('denied')
    expect(cognito.commandCalls(AdminGetUserCommand)).toEqual([])
  })
})
