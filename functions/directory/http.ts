import { listWarnings, loadCalendarYear } from '#shared/calendar/calendar.ts'
import { calendarYearInput } from '#shared/calendar/rules/calendar-year.ts'
import {
  createOfficer,
  createPetitioner,
  createUnit,
  replaceOfficer,
  replacePetitioner,
  replaceUnit,
} from '#shared/directory/directory.ts'
import {
  cadencePolicyInput,
  officerInput,
  officerReplacement,
  petitionerInput,
  petitionerReplacement,
  signInInput,
  unitInput,
  unitReplacement,
} from '#shared/directory/rules/schemas.ts'
import { createSignIn } from '#shared/directory/sign-ins.ts'
import { crypto } from '#shared/platform/aws/crypto.ts'
import { queues } from '#shared/platform/aws/queues.ts'
import { signIns } from '#shared/platform/aws/sign-ins.ts'
import { table } from '#shared/platform/aws/table.ts'
import type { AppDeps } from '#shared/platform/deps.ts'
import { httpApi, route } from '#shared/platform/http/http-api.ts'
import { lambdaHandler } from '#shared/platform/lambda.ts'
import { cadencePolicies, putCadencePolicy } from '#shared/visits/cadence-policies.ts'

export const createHandler = (deps: AppDeps) =>
  httpApi(
    'directory-api',
    {
      'POST /admin/units': route({
        body: unitInput,
        run: async ({ actor, body }) => ({ statusCode: 201, body: await createUnit(deps, actor, body) }),
      }),
      'PUT /admin/units/{unitId}': route({
        body: unitReplacement,
        run: async ({ actor, params, body }) => ({
          statusCode: 200,
          body: await replaceUnit(deps, actor, params.unitId ?? '', body),
        }),
      }),
      'POST /admin/officers': route({
        body: officerInput,
        run: async ({ actor, body }) => ({ statusCode: 201, body: await createOfficer(deps, actor, body) }),
      }),
      'PUT /admin/officers/{officerId}': route({
        body: officerReplacement,
        run: async ({ actor, params, body }) => ({
          statusCode: 200,
          body: await replaceOfficer(deps, actor, params.officerId ?? '', body),
        }),
      }),
      'POST /admin/officers/{officerId}/sign-in': route({
        body: signInInput,
        run: async ({ actor, params, body }) => ({
          statusCode: 200,
          body: await createSignIn(deps, actor, params.officerId ?? '', body),
        }),
      }),
      'POST /admin/petitioners': route({
        body: petitionerInput,
        run: async ({ actor, body }) => ({
          statusCode: 201,
          body: await createPetitioner(deps, actor, body),
        }),
      }),
      'PUT /admin/petitioners/{petitionerId}': route({
        body: petitionerReplacement,
        run: async ({ actor, params, body }) => ({
          statusCode: 200,
          body: await replacePetitioner(deps, actor, params.petitionerId ?? '', body),
        }),
      }),
      'POST /admin/calendar-years': route({
        body: calendarYearInput,
        run: async ({ actor, body }) => ({
          statusCode: 200,
          body: await loadCalendarYear(deps, actor, body),
        }),
      }),
      'GET /admin/warnings': route({
        run: async ({ actor }) => ({ statusCode: 200, body: await listWarnings(deps, actor) }),
      }),
      'POST /admin/cadence-policies': route({
        body: cadencePolicyInput,
        run: async ({ actor, body }) => ({
          statusCode: 200,
          body: await putCadencePolicy(deps, actor, body),
        }),
      }),
      'GET /admin/cadence-policies/{regionCode}': route({
        run: async ({ actor, params }) => ({
          statusCode: 200,
          body: await cadencePolicies(deps, actor, params.regionCode ?? ''),
        }),
      }),
    },
    deps,
  )

export const handler = lambdaHandler('directory-api', { table, queues, crypto, signIns }, createHandler)
