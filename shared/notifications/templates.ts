// SMS templates: the shipped texts, replaced per locale by an administrator's checked text.
import { GetItemCommand } from 'dynamodb-toolbox'
import type { AppDeps } from '../platform/deps.ts'
import { type Locale, locales, renderTemplate, type TemplateName, templates } from './rules/templates.ts'

/** A recipient's locale, or zh-CN when Aftercare has no texts in theirs. */
export const resolveLocale = (locale: string): Locale =>
  (locales as readonly string[]).includes(locale) ? (locale as Locale) : 'zh-CN'

export const templateText = async ({ store }: AppDeps, template: TemplateName, locale: Locale) => {
  const { Item } = await store.TemplateText.build(GetItemCommand).key({ template, locale }).send()
  return Item?.text ?? templates[template].text[locale]
}

export const renderFor = async (
  deps: AppDeps,
  template: TemplateName,
  locale: string,
  params: Record<string, string>,
) => {
  const resolved = resolveLocale(locale)
  return renderTemplate(template, resolved, params, await templateText(deps, template, resolved))
}
