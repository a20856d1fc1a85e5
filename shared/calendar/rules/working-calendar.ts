// The working-day calendar: State Council holiday arrangements (放假调休) per year, weekends otherwise.
import { addDays, type BusinessDate, dayOfWeek } from './business-time.ts'

export interface YearArrangement {
  source: string
  /** Days off, including weekend days inside a holiday block. */
  off: BusinessDate[]
  /** Weekend days that are working days (调休上班). */
  work: BusinessDate[]
}

export interface CalendarResult {
  date: BusinessDate
  /** True when a year without a loaded arrangement was crossed: computed on weekends only, to be recomputed. */
  provisional: boolean
}

export class WorkingCalendar {
  readonly #off = new Set<string>()
  readonly #work = new Set<string>()
  readonly #years = new Set<string>()

  constructor(years: Record<string, YearArrangement>) {
    for (const [year, arrangement] of Object.entries(years)) {
      this.#years.add(year)
      for (const d of arrangement.off) this.#off.add(d)
      for (const d of arrangement.work) this.#work.add(d)
    }
  }

  hasYear(year: string): boolean {
    return this.#years.has(year)
  }

  /**
   * The years without a loaded arrangement from the earliest of the dates to the latest (both included): a date
   * counted across or into one of them is provisional, and is counted again when that year is loaded.
   */
  unloadedYears(dates: readonly BusinessDate[]): string[] {
    if (dates.length === 0) return []
    const years = dates.map((d) => Number(d.slice(0, 4)))
    const unloaded: string[] = []
    for (let y = Math.min(...years); y <= Math.max(...years); y++) {
      if (!this.hasYear(String(y))) unloaded.push(String(y))
    }
    return unloaded
  }

  isWorkingDay(date: BusinessDate): boolean {
    if (this.#work.has(date)) return true
    if (this.#off.has(date)) return false
    const dow = dayOfWeek(date)
    return dow !== 0 && dow !== 6
  }

  /** The n-th working day after `date` (the day itself not counted); n < 0 counts backwards. */
  addWorkingDays(date: BusinessDate, n: number): CalendarResult {
    const step = n < 0 ? -1 : 1
    let remaining = Math.abs(n)
    let current = date
    let provisional = false
    while (remaining > 0) {
      current = addDays(current, step)
      provisional ||= !this.hasYear(current.slice(0, 4))
      if (this.isWorkingDay(current)) remaining--
    }
    return { date: current, provisional }
  }

  /**
   * A deadline of n calendar days: the day of the event is not counted (Civil Code Art. 201), and a last day that
   * falls on a rest day moves to the next working day (Art. 203).
   */
  addCalendarDays(date: BusinessDate, n: number): CalendarResult {
    let current = addDays(date, n)
    let provisional = !this.hasYear(current.slice(0, 4))
    while (!this.isWorkingDay(current)) {
      current = addDays(current, 1)
      provisional ||= !this.hasYear(current.slice(0, 4))
    }
    return { date: current, provisional }
  }
}
