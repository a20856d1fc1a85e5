// What a provider says about a failed SMS is stored in the delivery log and logged: never with a number or an ID in it.
import { maskPhone } from '../../platform/masking.ts'

/** A mainland mobile number, with or without +86 / 86, not inside a longer run of digits. */
const MOBILE = /(?<![\dA-Za-z])(?:\+?86[\s-]?)?1[3-9]\d{9}(?!\d)/g
/** A resident identity number: 17 digits and a digit or X (the 15-digit old form too). */
const RESIDENT_ID = /(?<![\dA-Za-z])(?:\d{17}[\dXx]|\d{15})(?![\dA-Za-z])/g
/** Any other international number in E.164 form. */
const E164 = /\+\d{8,15}(?!\d)/g

/** An identity number shows its first three and last four characters only (the handbook's rule for ID numbers). */
const maskResidentId = (id: string) => `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`

/** A provider's error text with every phone number and identity number in it masked, before it is kept or logged. */
export const maskProviderText = (text: string): string =>
  text
    .replace(RESIDENT_ID, maskResidentId)
    .replace(MOBILE, (phone) => maskPhone(phone.replace(/[\s-]/g, '').replace(/^86/, '+86')))
    .replace(E164, (phone) => maskPhone(phone))
