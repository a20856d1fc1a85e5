// Every template: its parameters, and its text in each locale (the administrator's or the shipped one) with its length.
import type { AppDeps } from '../../platform/deps.ts'
import { templateLength } from '../rules/template-check.ts'
import { locales, type TemplateName, templates } from '../rules/templates.ts'
import { templateText } from '../templates.ts'

export const listTemplates = async (deps: AppDeps) =>
  Promise.all(
    (Object.keys(templates) as TemplateName[]).map(async (name) => {
      const design = templates[name]
      const texts = await Promise.all(
        locales.map(async (locale) => {
          const text = await templateText(deps, name, locale)
          return [locale, { text, length: templateLength(text, design.examples) }] as const
        }),
      )
      return {
        template: name,
        params: design.params,
        required: design.required,
        texts: Object.fromEntries(texts),
      }
    }),
  )
