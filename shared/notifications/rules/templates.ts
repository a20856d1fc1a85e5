// SMS texts. zh-CN first; a recipient whose locale has no text gets zh-CN.
export const locales = ['zh-CN', 'en'] as const
export type Locale = (typeof locales)[number]

/** A recipient's locale, or zh-CN when Aftercare has no texts in theirs. */
export const resolveLocale = (locale: string): Locale =>
  (locales as readonly string[]).includes(locale) ? (locale as Locale) : 'zh-CN'

/**
 * Each template: the parameters the code supplies, those a text must keep (refused at save time otherwise), example
 * values to show an administrator the length in SMS parts, and the shipped texts.
 */
export const templates = {
  'officer-visit-reminder': {
    params: ['officerName', 'sequence', 'matterId', 'petitionerName', 'dueDate'],
    required: ['matterId', 'dueDate'],
    examples: {
      officerName: '王芳',
      sequence: '1',
      matterId: 'c-2026-001',
      petitionerName: '李明',
      dueDate: '2026-03-02',
    },
    text: {
      'zh-CN':
        '【回访提醒】{officerName}：信访事项{matterId}的第{sequence}次回访（回访对象{petitionerName}）应于{dueDate}完成。',
      en: 'Aftercare reminder for {officerName}: return visit {sequence} on matter {matterId} ({petitionerName}) is due on {dueDate}.',
    },
  },
  'petitioner-visit-planned': {
    params: ['petitionerName', 'matterId', 'dueDate'],
    required: ['dueDate'],
    examples: { petitionerName: '李明', matterId: 'c-2026-001', dueDate: '2026-03-02' },
    text: {
      'zh-CN':
        '【信访回访】{petitionerName}您好：您反映的事项{matterId}已办结，我们将于{dueDate}前回访，听取您的意见。回复TD退订。',
      en: 'Dear {petitionerName}, your matter {matterId} is concluded; we will visit you by {dueDate} to hear your view. Reply STOP to opt out.',
    },
  },
  'supervisor-visit-flag': {
    params: ['supervisorName', 'officerName', 'matterId', 'sequence', 'dueDate', 'reason'],
    required: ['matterId', 'reason'],
    examples: {
      supervisorName: '赵强',
      officerName: '王芳',
      matterId: 'c-2026-001',
      sequence: '1',
      dueDate: '2026-03-02',
      reason: '已逾期',
    },
    text: {
      'zh-CN':
        '【回访督办】{supervisorName}：{officerName}负责的信访事项{matterId}第{sequence}次回访{reason}（应于{dueDate}完成）。',
      en: 'Aftercare, for {supervisorName}: return visit {sequence} on matter {matterId} by {officerName}: {reason} (due {dueDate}).',
    },
  },
  'petitioner-appointment': {
    params: ['petitionerName', 'officerName', 'time'],
    required: ['time'],
    examples: { petitionerName: '李明', officerName: '王芳', time: '3月2日 14:30' },
    text: {
      'zh-CN':
        '【信访回访】{petitionerName}您好：{officerName}将于{time}与您联系回访，如时间不便请回复。回复TD退订。',
      en: 'Dear {petitionerName}, {officerName} will visit you at {time}. Reply if the time does not suit you; STOP to opt out.',
    },
  },
} as const satisfies Record<
  string,
  {
    params: readonly string[]
    required: readonly string[]
    examples: Record<string, string>
    text: Record<Locale, string>
  }
>

export type TemplateName = keyof typeof templates

/** Renders a template; `text` replaces the shipped text of the locale (an administrator's, checked when saved). */
export const renderTemplate = (
  name: TemplateName,
  locale: string,
  params: Record<string, string>,
  text: string = templates[name].text[resolveLocale(locale)],
): string =>
  text.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key]
    if (value === undefined) throw new Error(`template ${name} needs parameter ${key}`)
    return value
  })
