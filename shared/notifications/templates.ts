// SMS templates: the shipped texts, replaced per locale by an administrator's checked text.
import type { AppDeps } from '../platform/deps.ts'
import {
  type Locale,
  renderTemplate,
  resolveLocale,
  type TemplateName,
  templates,
} from './rules/templates.ts'
import { templateTextOf } from './store/settings.ts'

export { resolveLocale } from './rules/templates.ts'

/** The text of a template in a locale: the administrator's, or the shipped one. */
export const templateText = async ({ store }: AppDeps, template: TemplateName, locale: Locale) =>
  (await templateTextOf(store, template, locale))?.text ?? templates[template].text[locale]

export const renderFor = async (
  deps: AppDeps,
  template: TemplateName,
  locale: string,
  params: Record<string, string>,
) => {
  const resolved = resolveLocale(locale)
  return renderTemplate(template, resolved, params, await templateText(deps, template, resolved))
}
