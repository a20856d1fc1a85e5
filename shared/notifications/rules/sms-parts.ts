// How many SMS parts a text costs, counted as carriers count: GSM-7 septets or UCS-2 code units.

/**
 * The GSM 03.38 default alphabet (basic set), in code order 0x00–0x7F. Code 0x1B is the escape to the
 * extension table and is not a character of its own, so it is left out: 127 characters.
 * Lookalikes matter here: Δ is U+0394 (not ∆ U+2206), Ω is U+03A9 (not Ω U+2126), Ç is capital U+00C7.
 */
export const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅå' + // 0x00–0x0F
  'Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ' + // 0x10–0x1F without 0x1B (escape)
  ' !"#¤%&\'()*+,-./' + // 0x20–0x2F
  '0123456789:;<=>?' + // 0x30–0x3F
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§' + // 0x40–0x5F
  '¿abcdefghijklmnopqrstuvwxyzäöñüà' // 0x60–0x7F

/** The extension table: each is sent as escape + code, so it costs two septets. */
export const GSM7_EXTENSION = '\f^{}\\[~]|€'

export interface SmsParts {
  encoding: 'GSM-7' | 'UCS-2'
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  characters: number
  parts: number
}

const basic = new Set(GSM7_BASIC)
const extension = new Set(GSM7_EXTENSION)

/** Per encoding: what fits a lone SMS, and what fits each part once a user-data header takes its room. */
const limits = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
} as const

/** An indivisible piece of the text and what it costs in its encoding. */
interface Unit {
  text: string
  cost: number
}

/**
 * The text in indivisible units. GSM-7: one character, two septets for an extension character (the escape
 * pair cannot be split). UCS-2: one code point, so a surrogate pair (an emoji) stays whole; a lone
 * surrogate is one unit of one code unit.
 */
const unitsOf = (text: string): { encoding: SmsParts['encoding']; units: Unit[] } => {
  const chars = [...text] // code points
  if (chars.every((c) => basic.has(c) || extension.has(c))) {
    return { encoding: 'GSM-7', units: chars.map((c) => ({ text: c, cost: extension.has(c) ? 2 : 1 })) }
  }
  return { encoding: 'UCS-2', units: chars.map((c) => ({ text: c, cost: c.length })) }
}

/**
 * Splits as a carrier would: one part if the text fits a lone SMS, otherwise greedily filled parts that
 * never cut a unit, so a part may end a septet or code unit short. Empty text has no parts.
 */
const split = (text: string): { encoding: SmsParts['encoding']; characters: number; segments: string[] } => {
  const { encoding, units } = unitsOf(text)
  const characters = units.reduce((sum, u) => sum + u.cost, 0)
  const limit = limits[encoding]
  if (characters === 0) return { encoding, characters, segments: [] }
  if (characters <= limit.single) return { encoding, characters, segments: [text] }
  const segments: string[] = []
  let current = ''
  let used = 0
  for (const unit of units) {
    if (used + unit.cost > limit.part) {
      segments.push(current)
      current = ''
      used = 0
    }
    current += unit.text
    used += unit.cost
  }
  segments.push(current)
  return { encoding, characters, segments }
}

/** The parts a carrier would send, in order; joined they give the text back. */
export const smsSegments = (text: string): string[] => split(text).segments

/** Encoding, size in that encoding's units, and number of parts (0 for empty text: nothing is sent). */
export const smsParts = (text: string): SmsParts => {
  const { encoding, characters, segments } = split(text)
  return { encoding, characters, parts: segments.length }
}
