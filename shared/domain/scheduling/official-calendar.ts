// The arrangements shipped with Aftercare (copied from the handbook's data; further years are loaded by an admin).
import holidays from '../../data/cn-public-holidays.json' with { type: 'json' }
import { WorkingCalendar, type YearArrangement } from './working-calendar.ts'

export const officialCalendar = (): WorkingCalendar =>
  new WorkingCalendar(holidays.years as Record<string, YearArrangement>)
