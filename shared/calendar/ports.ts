// What the calendar needs from other contexts: the visits a year not loaded made provisional are the visits' items,
// recomputed through this port when the year is loaded; and the region a warning without one is about.
import type { AppDeps } from '../platform/deps.ts'
import type { WorkingCalendar } from './rules/working-calendar.ts'

export interface ProvisionalVisits {
  /**
   * Recomputes one visit marked under `markYear` with `calendar`, and takes that mark off (or keeps it, when its
   * new dates still depend on the year). True when its due date moved.
   */
  recompute(deps: AppDeps, calendar: WorkingCalendar, visitId: string, markYear: string): Promise<boolean>
}

export interface WarningRegions {
  /**
   * The region a warning raised without one is about (a timer given up: the region of its visit or notification);
   * undefined when it cannot be told.
   */
  regionOf(deps: AppDeps, warning: { kind: string; key: string }): Promise<string | undefined>
}
