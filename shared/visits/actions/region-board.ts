// A region's board for a month: who and which units have visits overdue now, the month's on-time, reach and
// satisfaction rates, the petitioners at high risk of a repeat petition, the flags raised (a page at a time), and
// each officer's figures. The figures count the whole month; only the list of flags is paged.

import { type Actor, requireRegion } from '../../access/rules/roles.ts'
import { monthLedger } from '../../accountability/actions/ledger-of-month.ts'
import { businessDateOf } from '../../calendar/rules/business-time.ts'
import { openCursor, sealCursor } from '../../platform/cursor.ts'
import type { AppDeps } from '../../platform/deps.ts'
import { cursorMac } from '../../platform/pages.ts'
import {
  type BoardLedgerEntry,
  type BoardVisit,
  boardSummary,
  figuresByOfficer,
  type MonthPageQuery,
  monthOf,
  pageOfQuery,
} from '../rules/board.ts'
import { flagsPageOfMonth, flagsResumeKey, visitsOfBoardMonth } from '../store/board.ts'

export interface BoardFlag {
  kind: string
  visitId: string
  officerId: string
  raisedAt: string
}

/** A page of the flags of a month, and the cursor of the next while more remain. */
export interface BoardFlagsPage {
  flags: readonly BoardFlag[]
  nextCursor?: string | undefined
}

/**
 * What a month's board reads: the visits it counts and the ledger entries of the month, whole; the flags of the
 * month a page at a time (`cursor` as the page before answered it).
 */
export interface BoardReads {
  visits(regionCode: string, month: string): Promise<readonly BoardVisit[]>
  ledger(regionCode: string, month: string): Promise<readonly BoardLedgerEntry[]>
  flags(regionCode: string, month: string, page: { limit: number; cursor?: string }): Promise<BoardFlagsPage>
}

/** The flags of one region's board of one month: a cursor given out for them resumes them and no other. */
const flagsListing = (regionCode: string, month: string) => `board-flags/${regionCode}/${month}`

export const boardReads = (deps: AppDeps): BoardReads => ({
  visits: (regionCode, month) => visitsOfBoardMonth(deps.store, regionCode, month),
  ledger: (regionCode, month) => monthLedger(deps, regionCode, month),
  flags: async (regionCode, month, page) => {
    const mac = cursorMac(deps)
    const listing = flagsListing(regionCode, month)
    const start = openCursor(mac, listing, page.cursor, flagsResumeKey(regionCode))
    const { flags, marks } = await flagsPageOfMonth(deps.store, regionCode, month, {
      limit: page.limit,
      marks: start?.shards,
    })
    return { flags, nextCursor: sealCursor(mac, listing, marks ? { shards: marks } : undefined) }
  },
})

/** The officers' figures of a month, as the board and the monthly report count them on the day of `now`. */
export const monthFigures = async (reads: BoardReads, now: Date, regionCode: string, month: string) => {
  const [visits, ledger] = await Promise.all([
    reads.visits(regionCode, month),
    reads.ledger(regionCode, month),
  ])
  return figuresByOfficer(visits, ledger, month, businessDateOf(now))
}

/**
 * The board of a month (this month's by default) from what `reads` finds, on the day of `now`: its figures over the
 * whole month, and a page of its flags.
 */
export const boardOf = async (
  reads: BoardReads,
  now: Date,
  actor: Actor,
  regionCode: string,
  query: MonthPageQuery,
) => {
  requireRegion(actor, regionCode)
  const month = monthOf(query.month, businessDateOf(now))
  const [{ figures, highRisk }, { flags, nextCursor }] = await Promise.all([
    monthFigures(reads, now, regionCode, month),
    reads.flags(regionCode, month, pageOfQuery(query)),
  ])
  return {
    regionCode,
    month,
    ...boardSummary(figures),
    highRiskPetitioners: highRisk,
    flags: flags.map((f) => ({
      kind: f.kind,
      visitId: f.visitId,
      officerId: f.officerId,
      raisedAt: f.raisedAt,
    })),
    officers: figures,
    nextCursor,
  }
}

export const regionBoard = (deps: AppDeps, actor: Actor, regionCode: string, query: MonthPageQuery) =>
  boardOf(boardReads(deps), deps.clock.now(), actor, regionCode, query)
