import { setTimeout } from 'node:timers/promises'

export interface Clock {
  now(): Date
  /** Waits `ms` of this clock's time. */
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: async (ms) => {
    await setTimeout(ms)
  },
}

/** A clock a test or a drill moves by hand; waiting on it moves it, at once. */
export class ManualClock implements Clock {
  #now: number
  constructor(start: Date | string) {
    this.#now = new Date(start).getTime()
  }
  now(): Date {
    return new Date(this.#now)
  }
  async sleep(ms: number): Promise<void> {
    this.#now += ms
  }
  set(to: Date | string): void {
    this.#now = new Date(to).getTime()
  }
  advance(ms: number): void {
    this.#now += ms
  }
}
