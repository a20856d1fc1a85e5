export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock a test or a drill moves by hand. */
export class ManualClock implements Clock {
  #now: number
  constructor(start: Date | string) {
    this.#now = new Date(start).getTime()
  }
  now(): Date {
    return new Date(this.#now)
  }
  set(to: Date | string): void {
    this.#now = new Date(to).getTime()
  }
  advance(ms: number): void {
    this.#now += ms
  }
}
