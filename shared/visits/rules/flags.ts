// Flags: what a supervisor must look at, named for the board and the SMS (never by the officer's notes).

export const flagLabels = {
  dissatisfied: '回访不满意',
  'high-risk': '重复访、越级访风险高',
  'not-reached': '三次未能联系上信访人',
  overdue: '已逾期',
  'moved-while-overdue': '逾期后改期',
} as const
export type FlagKind = keyof typeof flagLabels

interface FlaggedVisit {
  visitId: string
  matterId: string
  petitionerId: string
  officerId: string
  unitId: string
  regionCode: string
  dueDate: string
}

/** A visit is flagged once per kind; overdue and moved once per due date, since a moved visit can be late again. */
export const flagIdOf = (visit: Pick<FlaggedVisit, 'visitId' | 'dueDate'>, kind: FlagKind) =>
  kind === 'overdue' || kind === 'moved-while-overdue'
    ? `${kind}-${visit.visitId}-${visit.dueDate}`
    : `${kind}-${visit.visitId}`

export const flagOf = (visit: FlaggedVisit, kind: FlagKind, at: Date, detail: string) => ({
  flagId: flagIdOf(visit, kind),
  kind,
  visitId: visit.visitId,
  matterId: visit.matterId,
  petitionerId: visit.petitionerId,
  officerId: visit.officerId,
  unitId: visit.unitId,
  regionCode: visit.regionCode,
  raisedAt: at.toISOString(),
  detail,
})
export type Flag = ReturnType<typeof flagOf>
