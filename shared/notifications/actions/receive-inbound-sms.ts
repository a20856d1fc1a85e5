// What the SMS provider tells us: a number's reply. A keyword opts the number out of petitioners' SMS.
import * as z from 'zod'
import { phoneSchema } from '../../directory/rules/schemas.ts'
import { PHONE_INDEX } from '../../platform/crypto/personal-data.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { UnauthorizedError } from '../../platform/errors.ts'
import { maskPhone } from '../../platform/masking.ts'
import { secretMatches } from '../rules/inbound-secret.ts'
import { heldByAdministrator, optOutKeyword } from '../rules/opt-out.ts'
import { optOutOf } from '../store/settings.ts'
import { recordOptOut } from './set-opt-out.ts'

export { OPT_OUT_KEYWORDS, optOutKeyword } from '../rules/opt-out.ts'

// A provider's callback may carry fields of its own: taken as it comes, only these are read.
export const inboundSmsInput = z.object({
  from: phoneSchema,
  text: z.string().max(1000),
  receivedAt: z.iso.datetime({ offset: true }).optional(),
  messageId: z.string().max(200).optional(),
})

export const INBOUND_SECRET_HEADER = 'x-aftercare-inbound-secret'

/** The SMS provider's callback proves itself with the shared secret (compared in constant time). */
export const checkInboundSecret = async (deps: AppDeps, presented: string | undefined) => {
  if (!secretMatches(presented, await deps.inboundSmsSecret())) {
    throw new UnauthorizedError(`header ${INBOUND_SECRET_HEADER} is missing or wrong`)
  }
}

/**
 * An inbound SMS: an opt-out keyword opts its sender out of petitioners' SMS; anything else is logged (masked) and
 * ignored. It does not stop an officer's operational reminders (the dispatcher heeds only an administrator's opt-out
 * for those), and a number an administrator opted out stays so, recorded as the administrator's decision.
 */
export const receiveInboundSms = async (deps: AppDeps, input: z.infer<typeof inboundSmsInput>) => {
  const keyword = optOutKeyword(input.text)
  if (!keyword) {
    deps.logger.info('inbound SMS without a keyword', {
      from: maskPhone(input.from),
      length: input.text.length,
    })
    return { action: 'none' as const }
  }
  const current = await optOutOf(deps.store, deps.crypto.blindIndex(input.from, PHONE_INDEX))
  if (heldByAdministrator(current)) return { action: 'opted-out' as const, keyword }
  const result = await recordOptOut(deps, input.from, {
    optedOut: true,
    source: 'sms',
    by: 'sms-provider',
    keyword,
  })
  deps.logger.info('number opted out by SMS', { from: result.phone, keyword })
  return { action: 'opted-out' as const, keyword }
}
