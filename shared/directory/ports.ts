// What the directory's actions need from the world, as parts of the deps: the table (through ./store.ts), the
// clock the audit trail is dated by, the personal-data crypto that seals phones, and, to make a person's account, the
// sign-in service (./sign-in/port.ts) and the configuration that says which one and which issuer.
import type { AppDeps } from '../platform/deps.ts'

/** Writing units, staff records and petitioners. */
export type DirectoryDeps = Pick<AppDeps, 'store' | 'clock' | 'crypto'>

/** Linking a sign-in to a staff record. */
export type SignInLinkDeps = Pick<AppDeps, 'store' | 'clock'>

/** Making a person's account with the sign-in service, and a person with their unit and record. */
export type SignInDeps = DirectoryDeps & Pick<AppDeps, 'signIns' | 'config'>
