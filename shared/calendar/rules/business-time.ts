// Business dates and office hours are Asia/Shanghai (UTC+8 all year, no daylight saving); instants are UTC ISO-8601.
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000

/** A calendar date in Asia/Shanghai, `YYYY-MM-DD`. */
export type BusinessDate = string

export const businessDateOf = (instant: Date): BusinessDate =>
  new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)

/** The instant of a wall-clock time `HH:mm` on a Shanghai date. */
export const shanghaiInstant = (date: BusinessDate, time = '00:00'): Date =>
  new Date(Date.parse(`${date}T${time}:00.000Z`) - SHANGHAI_OFFSET_MS)

export const addDays = (date: BusinessDate, days: number): BusinessDate =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

export const dayOfWeek = (date: BusinessDate): number => new Date(`${date}T00:00:00Z`).getUTCDay()
