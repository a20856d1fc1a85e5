// What callers see of a matter and its events: the office's facts, not the record's version (the count its writes are
// checked against). docs/decisions/draft-api-views.md lists each field.
export interface MatterSeen {
  matterId: string
  petitionerId: string
  category: string
  summary: string
  regionCode: string
  unitId: string
  status: string
  openedAt: string
  updatedAt: string
}

export interface MatterEventSeen {
  matterId: string
  eventId: string
  type: string
  occurredAt: string
  recordedAt: string
  recordedBy: string
  note?: string
}

export const matterAnswer = (m: MatterSeen) => ({
  matterId: m.matterId,
  petitionerId: m.petitionerId,
  category: m.category,
  summary: m.summary,
  regionCode: m.regionCode,
  unitId: m.unitId,
  status: m.status,
  openedAt: m.openedAt,
  updatedAt: m.updatedAt,
})

export const matterEventAnswer = (e: MatterEventSeen) => ({
  matterId: e.matterId,
  eventId: e.eventId,
  type: e.type,
  occurredAt: e.occurredAt,
  recordedAt: e.recordedAt,
  recordedBy: e.recordedBy,
  note: e.note,
})

/** A matter with its events, in the order they were recorded. */
export const matterWithEventsAnswer = (m: MatterSeen & { events: MatterEventSeen[] }) => ({
  ...matterAnswer(m),
  events: m.events.map(matterEventAnswer),
})
