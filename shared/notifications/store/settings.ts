// What administrators and recipients set for SMS: opt-outs by number, quiet hours by region, template texts by
// locale; each saved with its audit entry in one transaction.

import type { FormattedItem } from 'dynamodb-toolbox/entity'
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get'
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut'
import { execute as executeTransactWrite } from 'dynamodb-toolbox/entity/actions/transactWrite'
import { regionAncestry } from '../../access/rules/region-scope.ts'
import { type AuditInput, auditSubject, auditTransaction } from '../../platform/audit.ts'
import type { Store } from '../../platform/table/store.ts'
import type { QuietHours } from '../rules/quiet-hours.ts'
import type { Locale, TemplateName } from '../rules/templates.ts'

/** An audit entry as a save takes it: the store files it under the saved item. */
export type AuditNote = Omit<AuditInput, 'subject'>

export type OptOut = FormattedItem<Store['OptOut']>
export type QuietHoursSetting = FormattedItem<Store['QuietHoursSetting']>
export type TemplateTextRecord = FormattedItem<Store['TemplateText']>

/** The opt-out recorded for a number, by its blind index. */
export const optOutOf = async (store: Store, phoneIndex: string) =>
  (await store.OptOut.build(GetItemCommand).key({ phoneIndex }).send()).Item

export const saveOptOut = async (store: Store, optOut: OptOut, audit: AuditNote) => {
  await executeTransactWrite(
    store.OptOut.build(PutTransaction).item(optOut),
    auditTransaction(store, { ...audit, subject: auditSubject('opt-out', optOut.phoneIndex) }),
  )
}

/** The quiet hours set for exactly this region (its significant prefix). */
export const quietHoursOf = async (store: Store, region: string) =>
  (await store.QuietHoursSetting.build(GetItemCommand).key({ region }).send()).Item

/** The quiet hours that hold in a region: its own, or the nearest region's above it; undefined when none is set. */
export const quietHoursIn = async (store: Store, regionCode: string): Promise<QuietHours | undefined> => {
  for (const region of regionAncestry(regionCode)) {
    const setting = await quietHoursOf(store, region)
    if (setting) return { start: setting.start, end: setting.end }
  }
  return undefined
}

export const saveQuietHours = async (store: Store, setting: QuietHoursSetting, audit: AuditNote) => {
  await executeTransactWrite(
    store.QuietHoursSetting.build(PutTransaction).item(setting),
    auditTransaction(store, { ...audit, subject: auditSubject('quiet-hours', setting.region) }),
  )
}

/** An administrator's text of a template in a locale, with its version; undefined while the shipped one holds. */
export const templateTextOf = async (store: Store, template: TemplateName, locale: Locale) =>
  (await store.TemplateText.build(GetItemCommand).key({ template, locale }).send()).Item

/** Saves a template text, provided no one saved another since `before` was read (throws the refusal otherwise). */
export const saveTemplateText = async (
  store: Store,
  text: TemplateTextRecord,
  before: Pick<TemplateTextRecord, 'version'> | undefined,
  audit: AuditNote,
) => {
  await executeTransactWrite(
    store.TemplateText.build(PutTransaction)
      .item(text)
      .options({
        condition: before ? { attr: 'version', eq: before.version } : { attr: 'version', exists: false },
      }),
    auditTransaction(store, { ...audit, subject: auditSubject('template', text.template, text.locale) }),
  )
}
