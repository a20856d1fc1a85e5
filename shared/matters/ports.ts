// What the matters' actions need from the world, as parts of the deps: the table (through ./store.ts, and the
// directory's named read of a petitioner) and the clock their events and audit entries are dated by. The event they
// announce goes out through the outbox item their save writes, not through a topic of their own.
import type { AppDeps } from '../platform/deps.ts'

export type MatterDeps = Pick<AppDeps, 'store' | 'clock'>
