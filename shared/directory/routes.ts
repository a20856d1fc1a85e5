// The directory's routes: units, staff records and their sign-ins, petitioners, and the regions' cadence policies
// (served by the directory function with the rest of an administrator's configuration).
import * as z from 'zod'
import { roles } from '../access/rules/roles.ts'
import { defineRoute, reply } from '../platform/http/route.ts'
import { nextCursorField, pageOf, pageQuery } from '../platform/pages.ts'
import { cadencePolicies } from '../visits/actions/cadence-policies.ts'
import { putCadencePolicy } from '../visits/actions/put-cadence-policy.ts'
import { cadencePolicySchema, visitTriggers } from '../visits/rules/cadence.ts'
import { createOfficer } from './actions/create-officer.ts'
import { createPetitioner } from './actions/create-petitioner.ts'
import { createSignIn } from './actions/create-sign-in.ts'
import { createUnit } from './actions/create-unit.ts'
import { replaceOfficer } from './actions/replace-officer.ts'
import { replacePetitioner } from './actions/replace-petitioner.ts'
import { replaceUnit } from './actions/replace-unit.ts'
import {
  cadencePolicyInput,
  officerInput,
  officerReplacement,
  petitionerInput,
  petitionerReplacement,
  signInInput,
  unitInput,
  unitReplacement,
} from './rules/schemas.ts'

const locale = z.enum(['zh-CN', 'en'])

const unitView = z.object({
  unitId: z.string(),
  name: z.string(),
  regionCode: z.string(),
  level: z.enum(['village', 'township', 'county', 'city', 'province']),
  parentUnitId: z.string().optional(),
})

/** A staff record as callers see it: the phone masked, never its ciphertext or index. */
const officerView = z.object({
  officerId: z.string(),
  name: z.string(),
  phone: z.string().describe('masked'),
  unitId: z.string(),
  regionCode: z.string(),
  locale,
  duty: z.enum(roles),
  active: z.boolean(),
  openVisits: z.number().int().describe('their workload: the visits open in their name'),
  signIn: z.object({ issuer: z.string(), subject: z.string() }).optional(),
})

const petitionerView = z.object({
  petitionerId: z.string(),
  name: z.string(),
  phone: z.string().describe('masked'),
  unitId: z.string(),
  regionCode: z.string(),
  locale,
})

const signInView = z.object({
  officerId: z.string(),
  signIn: z.object({ issuer: z.string(), subject: z.string() }),
  link: z.enum(['linked', 'unchanged', 'replaced']),
  account: z.enum(['created', 'existed', 'given']),
  token: z.string().optional().describe('local mode only: an ID token for the person'),
})

const savedPolicyView = z.object({
  regionCode: z.string(),
  trigger: z.enum(visitTriggers),
  policy: cadencePolicySchema,
  version: z.number().int().describe('the version a visit it plans names as `policyVersion`'),
  updatedAt: z.string(),
  updatedBy: z.string(),
})

const policiesView = z.object({
  regionCode: z.string(),
  triggers: z.array(
    z.object({
      trigger: z.enum(visitTriggers),
      effective: z.object({
        from: z.string().describe('the region whose policy applies, or `default`'),
        version: z.number().int(),
        policy: cadencePolicySchema,
      }),
      history: z.array(
        z.object({
          version: z.number().int(),
          policy: cadencePolicySchema,
          savedAt: z.string(),
          savedBy: z.string(),
        }),
      ),
    }),
  ),
  nextCursor: nextCursorField,
})

export const directoryRoutes = [
  defineRoute({
    method: 'POST',
    path: '/admin/units',
    function: 'directory-api',
    roles: ['admin'],
    summary: 'Create a unit; 409 if its id exists (PUT replaces)',
    body: unitInput,
    response: unitView,
    success: [201],
    conflict: true,
    run: async ({ deps, actor, body }) => reply(201, await createUnit(deps, actor, body)),
  }),
  defineRoute({
    method: 'PUT',
    path: '/admin/units/{unitId}',
    function: 'directory-api',
    roles: ['admin'],
    summary:
      'Replace a unit of your scope with the one given (no parentUnitId: a unit at the top); a unit keeps its region',
    body: unitReplacement,
    response: unitView,
    conflict: true,
    run: ({ deps, actor, params, body }) => replaceUnit(deps, actor, params.unitId, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/officers',
    function: 'directory-api',
    roles: ['admin'],
    summary:
      'Create a staff record: an officer, supervisor, committee member or administrator (duty); 409 if its id ' +
      'exists (PUT replaces)',
    body: officerInput,
    response: officerView,
    success: [201],
    conflict: true,
    run: async ({ deps, actor, body }) => reply(201, await createOfficer(deps, actor, body)),
  }),
  defineRoute({
    method: 'PUT',
    path: '/admin/officers/{officerId}',
    function: 'directory-api',
    roles: ['admin'],
    summary:
      "Replace a staff record's name, phone and unit, and its duty, locale and active when given (kept when not): a " +
      'person who has left stays so unless the body says "active": true; open visits and the sign-in are kept',
    body: officerReplacement,
    response: officerView,
    conflict: true,
    run: ({ deps, actor, params, body }) => replaceOfficer(deps, actor, params.officerId, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/officers/{officerId}/sign-in',
    function: 'directory-api',
    roles: ['admin'],
    summary:
      "Create a person's sign-in (email: a Cognito account; subject: one the identity provider has) and link it to " +
      'their directory record',
    body: signInInput,
    response: signInView,
    conflict: true,
    run: ({ deps, actor, params, body }) => createSignIn(deps, actor, params.officerId, body),
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/petitioners',
    function: 'directory-api',
    roles: ['admin', 'supervisor', 'officer'],
    summary: 'Create a petitioner; 409 if the id exists (PUT replaces)',
    body: petitionerInput,
    response: petitionerView,
    success: [201],
    conflict: true,
    run: async ({ deps, actor, body }) => reply(201, await createPetitioner(deps, actor, body)),
  }),
  defineRoute({
    method: 'PUT',
    path: '/admin/petitioners/{petitionerId}',
    function: 'directory-api',
    roles: ['admin', 'supervisor', 'officer'],
    summary: "Replace a petitioner's name, phone and unit, and locale when given (kept when not)",
    body: petitionerReplacement,
    response: petitionerView,
    conflict: true,
    run: ({ deps, actor, params, body }) => replacePetitioner(deps, actor, params.petitionerId, body),
  }),
] as const

/** A region's cadence policies: the planner's (visits) rules, configured by the region's administrators. */
export const cadencePolicyRoutes = [
  defineRoute({
    method: 'POST',
    path: '/admin/cadence-policies',
    function: 'directory-api',
    roles: ['admin'],
    summary: "Set a region's cadence policy for one trigger",
    body: cadencePolicyInput,
    response: savedPolicyView,
    conflict: true,
    run: ({ deps, actor, body }) => putCadencePolicy(deps, actor, body),
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/cadence-policies/{regionCode}',
    function: 'directory-api',
    roles: ['admin', 'supervisor'],
    summary:
      "A region's effective cadence policy per trigger, and every version of its own (by trigger, a page at a time)",
    query: pageQuery,
    response: policiesView,
    run: async ({ deps, actor, params, query }) => {
      const { regionCode, triggers } = await cadencePolicies(deps, actor, params.regionCode)
      const page = pageOf(deps, `cadence-policies/${regionCode}`, triggers, (t) => t.trigger, query)
      return { regionCode, triggers: page.items, nextCursor: page.nextCursor }
    },
  }),
] as const
