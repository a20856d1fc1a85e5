// What logs may show of personal data.

/** +8613812341234 → 138****1234; anything else keeps only its last four characters. */
export const maskPhone = (phone: string): string => {
  const national = phone.replace(/^\+86/, '')
  if (/^1\d{10}$/.test(national)) return `${national.slice(0, 3)}****${national.slice(-4)}`
  return `${'*'.repeat(Math.max(0, phone.length - 4))}${phone.slice(-4)}`
}
