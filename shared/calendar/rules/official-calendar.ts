// The arrangements shipped with Aftercare (copied from the handbook's data; further years are loaded by an admin).
import holidays from '../data/cn-public-holidays.json' with { type: 'json' }
import { WorkingCalendar, type YearArrangement } from './working-calendar.ts'

export const officialCalendarYears = (): Record<string, YearArrangement> =>
  holidays.years as Record<string, YearArrangement>

export const officialCalendar = (): WorkingCalendar => new WorkingCalendar(officialCalendarYears())
