// What callers see of a visit: the office's facts about it, not the bookkeeping kept with it (the record's version,
// the offset and reminder rules it was planned with, how many reminder timers it has, the appointment SMS's id kept
// for a retried call). docs/decisions/draft-api-views.md lists each field.

/** A visit as the visit reading (get-visit.ts) has it: its private text opened or not, its SMS looked up. */
export interface VisitSeen {
  visitId: string
  matterId: string
  petitionerId: string
  officerId: string
  unitId: string
  regionCode: string
  trigger: string
  triggerEventId: string
  triggeredAt: string
  policyRegion?: string
  policyVersion?: number
  sequence: number
  dueDate: string
  dueAt: string
  provisional: boolean
  status: 'planned' | 'completed' | 'cancelled'
  kind: 'scheduled' | 'extra'
  plannedAt: string
  completedAt?: string
  completedOnTime?: boolean
  outcome?: unknown
  unreached: unknown[]
  appointmentAt?: string
  cancelReason?: string
  sms: unknown[]
}

/** The answer about a visit: every field named, so that a field added to the record stays out until chosen. */
export const visitAnswer = (v: VisitSeen) => ({
  visitId: v.visitId,
  matterId: v.matterId,
  petitionerId: v.petitionerId,
  officerId: v.officerId,
  unitId: v.unitId,
  regionCode: v.regionCode,
  trigger: v.trigger,
  triggerEventId: v.triggerEventId,
  triggeredAt: v.triggeredAt,
  policyRegion: v.policyRegion,
  policyVersion: v.policyVersion,
  sequence: v.sequence,
  dueDate: v.dueDate,
  dueAt: v.dueAt,
  provisional: v.provisional,
  status: v.status,
  kind: v.kind,
  plannedAt: v.plannedAt,
  completedAt: v.completedAt,
  completedOnTime: v.completedOnTime,
  outcome: v.outcome,
  unreached: v.unreached,
  appointmentAt: v.appointmentAt,
  cancelReason: v.cancelReason,
  sms: v.sms,
})
