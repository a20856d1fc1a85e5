// The directory's entities: units, staff (officers, supervisors, committee members, administrators), the sign-ins
// linked to them, and petitioners.

import { Entity } from 'dynamodb-toolbox/entity'
import { boolean } from 'dynamodb-toolbox/schema/boolean'
import { item } from 'dynamodb-toolbox/schema/item'
import { map } from 'dynamodb-toolbox/schema/map'
import { number } from 'dynamodb-toolbox/schema/number'
import { string } from 'dynamodb-toolbox/schema/string'
import { type AftercareTable, sealedPhone, timestamps } from '../platform/table/table.ts'

export const directoryEntities = (table: AftercareTable) => {
  const Unit = new Entity({
    name: 'Unit',
    table,
    timestamps,
    schema: item({
      unitId: string().key(),
      name: string(),
      regionCode: string(),
      level: string().enum('village', 'township', 'county', 'city', 'province'),
      parentUnitId: string().optional(),
    }),
    computeKey: ({ unitId }) => ({ pk: `UNIT#${unitId}`, sk: 'UNIT' }),
  })

  const Officer = new Entity({
    name: 'Officer',
    table,
    timestamps,
    schema: item({
      officerId: string().key(),
      name: string(),
      ...sealedPhone,
      unitId: string(),
      regionCode: string(),
      locale: string().default('zh-CN'),
      active: boolean().default(true),
      /**
       * The person's role when they sign in: officers are assigned visits (the only duty that is), supervisors are
       * told of overdue and flagged ones, committee members review the screening, administrators configure.
       */
      duty: string().enum('officer', 'supervisor', 'committee', 'admin').default('officer'),
      openVisits: number().default(0),
      /** The identity provider's account of this person, written with its SignInLink in one transaction. */
      signIn: map({ issuer: string(), subject: string() }).optional(),
    }).and((s) => ({
      gsi1pk: string()
        .hidden()
        .link<typeof s>(({ unitId }) => `UNIT#${unitId}#OFFICERS`),
      gsi1sk: string()
        .hidden()
        .link<typeof s>(({ officerId }) => `OFFICER#${officerId}`),
    })),
    computeKey: ({ officerId }) => ({ pk: `OFFICER#${officerId}`, sk: 'OFFICER' }),
  })

  /**
   * Who a token's (`iss`, `sub`) is: the directory id of the staff record (Officer) that keeps the same sign-in. Read
   * at every request whose caller is not cached (shared/access/callers.ts).
   */
  const SignInLink = new Entity({
    name: 'SignInLink',
    table,
    timestamps,
    schema: item({
      issuer: string().key(),
      subject: string().key(),
      officerId: string(),
      linkedAt: string(),
      linkedBy: string(),
    }),
    // One partition per sign-in, not per issuer: every caller's first request of a minute reads here.
    computeKey: ({ issuer, subject }) => ({ pk: `SIGNIN#${issuer}#${subject}`, sk: 'SIGNIN' }),
  })

  const Petitioner = new Entity({
    name: 'Petitioner',
    table,
    timestamps,
    schema: item({
      petitionerId: string().key(),
      name: string(),
      ...sealedPhone,
      unitId: string(),
      regionCode: string(),
      locale: string().default('zh-CN'),
    }),
    computeKey: ({ petitionerId }) => ({ pk: `PETITIONER#${petitionerId}`, sk: 'PETITIONER' }),
  })

  return { Unit, Officer, SignInLink, Petitioner }
}
