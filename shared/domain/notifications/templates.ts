// SMS texts. zh-CN first; a recipient whose locale has no text gets zh-CN.
export const locales = ['zh-CN', 'en'] as const
export type Locale = (typeof locales)[number]

export const templates = {
  'officer-visit-reminder': {
    params: ['officerName', 'sequence', 'caseId', 'petitionerName', 'dueDate'],
    text: {
      'zh-CN':
        '【回访提醒】{officerName}：信访事项{caseId}的第{sequence}次回访（回访对象{petitionerName}）应于{dueDate}完成。',
      en: 'Aftercare reminder for {officerName}: return visit {sequence} on matter {caseId} ({petitionerName}) is due on {dueDate}.',
    },
  },
} as const satisfies Record<string, { params: readonly string[]; text: Record<Locale, string> }>

export type TemplateName = keyof typeof templates

export const renderTemplate = (
  name: TemplateName,
  locale: string,
  params: Record<string, string>,
): string => {
  const template = templates[name]
  const text = template.text[(locales as readonly string[]).includes(locale) ? (locale as Locale) : 'zh-CN']
  return text.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key]
    if (value === undefined) throw new Error(`template ${name} needs parameter ${key}`)
    return value
  })
}
