// A provincial administrator replaces a template's text in one locale, checked before it is saved.
import * as z from 'zod'
import { type Actor, requireProvincialAdmin } from '../../access/rules/roles.ts'
import { strictObject } from '../../directory/rules/fields.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { ValidationError } from '../../platform/errors.ts'
import { checkTemplateText, templateLength } from '../rules/template-check.ts'
import { locales, type TemplateName, templates } from '../rules/templates.ts'
import { saveTemplateText as saveText, templateTextOf } from '../store/settings.ts'

export const templateInput = strictObject({
  template: z.enum(Object.keys(templates) as [TemplateName, ...TemplateName[]]),
  locale: z.enum(locales),
  text: z.string(),
})

/** Saves a template text after checking its parameters: a missing or unknown one is refused now. */
export const saveTemplateText = async (deps: AppDeps, actor: Actor, input: z.infer<typeof templateInput>) => {
  requireProvincialAdmin(actor, 'template texts are national data')
  const { store, clock } = deps
  const design = templates[input.template]
  const problems = checkTemplateText({
    text: input.text,
    params: design.params,
    required: design.required,
    examples: design.examples,
  })
  if (problems.length > 0) throw new ValidationError(problems)
  const key = { template: input.template, locale: input.locale }
  const before = await templateTextOf(store, key.template, key.locale)
  const now = clock.now()
  const after = {
    ...key,
    text: input.text,
    version: (before?.version ?? 0) + 1,
    updatedAt: now.toISOString(),
    updatedBy: actor.id,
  }
  await saveText(store, after, before, {
    actor: actor.id,
    action: 'template.saved',
    regionCode: '',
    at: now,
    before,
    after,
  })
  return { ...after, length: templateLength(input.text, design.examples) }
}
