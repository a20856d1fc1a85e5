// What callers see of a warning: what it is about and what to do, under its key (what it is raised once under: the
// year missing, the timer given up). docs/decisions/draft-api-views.md lists each field.

export interface WarningSeen {
  key: string
  kind: string
  message: string
  raisedAt: string
  regionCode?: string
  national?: boolean
}

export const warningAnswer = (w: WarningSeen) => ({
  key: w.key,
  kind: w.kind,
  message: w.message,
  national: w.national,
  raisedAt: w.raisedAt,
  regionCode: w.regionCode,
})
