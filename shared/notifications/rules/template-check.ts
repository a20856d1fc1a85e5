// Checks an SMS template text when an administrator saves it, so a bad placeholder is refused then, not at send.
import type { FieldProblem } from '../../platform/errors.ts'
import { type SmsParts, smsParts } from './sms-parts.ts'

/** More parts than this is almost surely a mistake (and costs per part for every recipient). */
export const MAX_TEMPLATE_PARTS = 10

/** Same grammar as `renderTemplate` (`\w` without the u flag: ASCII letters, digits, underscore). */
const placeholder = /\{(\w+)\}/g
const name = /^\w+$/

/** The placeholder names in a text, each once, in order of first appearance. */
export const placeholdersOf = (text: string): string[] => [
  ...new Set(Array.from(text.matchAll(placeholder), (m) => m[1] as string)),
]

/** The text with each placeholder that has an example filled in; one without an example is left as written. */
export const exampleRendering = (text: string, examples: Readonly<Record<string, string>>): string =>
  text.replace(placeholder, (whole, key: string) =>
    // hasOwn: `{constructor}` must not pick up Object.prototype.constructor
    Object.hasOwn(examples, key) ? (examples[key] ?? whole) : whole,
  )

/** What a recipient would get for this text rendered with the example values. */
export const templateLength = (text: string, examples: Readonly<Record<string, string>>): SmsParts =>
  smsParts(exampleRendering(text, examples))

const braced = (names: readonly string[]): string => names.map((n) => `{${n}}`).join(', ')

/** Edit distance, to suggest `{dueDate}` for `{dueDat}` or `{DueDate}`. */
const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** Brace problems renderTemplate would not complain about: it would send the braces to the recipient as is. */
const braceProblems = (text: string): string[] => {
  const reasons: string[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === '}') {
      reasons.push(`stray "}" at position ${i + 1}`)
      i++
    } else if (c === '{') {
      const close = text.indexOf('}', i + 1)
      const reopen = text.indexOf('{', i + 1)
      if (close === -1 || (reopen !== -1 && reopen < close)) {
        reasons.push(`unclosed "{" at position ${i + 1}`)
        i++
        continue
      }
      const inner = text.slice(i + 1, close)
      if (inner === '') reasons.push(`empty placeholder "{}" at position ${i + 1}`)
      else if (!name.test(inner))
        reasons.push(
          `malformed placeholder "{${inner}}" at position ${i + 1}: use only letters, digits and underscore`,
        )
      i = close + 1
    } else i++
  }
  return reasons
}

export interface TemplateTextInput {
  text: string
  /** The parameters the code supplies for this template. */
  params: readonly string[]
  /** The parameters the text must use (a subset of params). */
  required: readonly string[]
  /** Realistic values for the length check; a placeholder without one counts as written. */
  examples?: Readonly<Record<string, string>>
  maxParts?: number
}

/** Every problem with a template text, each on field `text`; none means it can be saved. */
export const checkTemplateText = ({
  text,
  params,
  required,
  examples = {},
  maxParts = MAX_TEMPLATE_PARTS,
}: TemplateTextInput): FieldProblem[] => {
  const problem = (reason: string): FieldProblem => ({ field: 'text', reason })
  if (text.trim() === '') return [problem('the text is empty')]

  const problems = braceProblems(text).map(problem)
  const used = placeholdersOf(text)
  for (const unknown of used.filter((p) => !params.includes(p))) {
    const near = params.filter((p) => distance(p.toLowerCase(), unknown.toLowerCase()) <= 2)
    const suggestion = near.length > 0 ? ` (did you mean ${braced(near)}?)` : ''
    problems.push(
      problem(`unknown placeholder {${unknown}}${suggestion}; known placeholders: ${braced(params)}`),
    )
  }
  for (const missing of required.filter((r) => !used.includes(r))) {
    problems.push(problem(`required placeholder {${missing}} is missing`))
  }
  const length = templateLength(text, examples)
  if (length.parts > maxParts) {
    problems.push(
      problem(
        `the text is too long: ${length.parts} SMS parts (${length.characters} ${length.encoding === 'GSM-7' ? 'septets' : 'UCS-2 code units'}) with example values, at most ${maxParts}`,
      ),
    )
  }
  return problems
}
