// The status of a matter, and which event moves it to which status.
import type { MatterEventType } from './events.ts'

export const matterStatuses = ['handling', 'resolved', 'mediated', 'terminated'] as const
export type MatterStatus = (typeof matterStatuses)[number]

/**
 * The status a matter moves to: a matter being handled is resolved, mediated or terminated by the event of that
 * name, and one that is no longer handled takes none of them; `stopped-visiting` is about the petitioner and leaves
 * the status as it is.
 */
export const statusAfter = (current: MatterStatus, event: MatterEventType): MatterStatus | 'refused' => {
  if (event === 'stopped-visiting') return current
  return current === 'handling' ? event : 'refused'
}
