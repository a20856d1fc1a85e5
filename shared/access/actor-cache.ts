// Who a sign-in is, remembered briefly per container: a request does not read the directory twice a second, and a
// change there (a duty, a unit, a departure) reaches every container within the time to live.

/** Entries live this long. @default 60 s */
export const ACTOR_CACHE_TTL_MS = 60_000
/** At most this many sign-ins are remembered; the oldest is forgotten first. */
export const ACTOR_CACHE_MAX_ENTRIES = 1_000

export class ExpiringCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>()

  constructor(
    private readonly now: () => Date,
    private readonly ttlMs = ACTOR_CACHE_TTL_MS,
    private readonly maxEntries = ACTOR_CACHE_MAX_ENTRIES,
  ) {}

  get(key: string): V | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    if (entry.expiresAt <= this.now().getTime()) {
      this.#entries.delete(key)
      return undefined
    }
    return entry.value
  }

  set(key: string, value: V): void {
    this.#entries.delete(key)
    // A Map iterates in insertion order: the first key is the oldest.
    while (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next()
      if (oldest.done) break
      this.#entries.delete(oldest.value)
    }
    this.#entries.set(key, { value, expiresAt: this.now().getTime() + this.ttlMs })
  }

  get size(): number {
    return this.#entries.size
  }
}
