// A region's board for a month: who and which units have visits overdue now, the month's on-time, reach and
// satisfaction rates, the petitioners at high risk of a repeat petition, the flags raised, and each officer's figures.
import type * as z from 'zod'
import { type Actor, requireRegion } from '../../access/rules/roles.ts'
import { monthLedger } from '../../accountability/actions/ledger-of-month.ts'
import { businessDateOf } from '../../calendar/rules/business-time.ts'
import type { AppDeps } from '../../platform/deps.ts'
import {
  type BoardLedgerEntry,
  type BoardVisit,
  boardSummary,
  figuresByOfficer,
  monthOf,
  type monthQuery,
} from '../rules/board.ts'
import { flagsRaisedInMonth, visitsOfBoardMonth } from '../store/board.ts'

export interface BoardFlag {
  kind: string
  visitId: string
  officerId: string
  raisedAt: string
}

/** What a month's board reads: the visits it counts, the ledger entries and the flags of the month. */
export interface BoardReads {
  visits(regionCode: string, month: string): Promise<readonly BoardVisit[]>
  ledger(regionCode: string, month: string): Promise<readonly BoardLedgerEntry[]>
  flags(regionCode: string, month: string): Promise<readonly BoardFlag[]>
}

export const boardReads = (deps: AppDeps): BoardReads => ({
  visits: (regionCode, month) => visitsOfBoardMonth(deps.store, regionCode, month),
  ledger: (regionCode, month) => monthLedger(deps, regionCode, month),
  flags: (regionCode, month) => flagsRaisedInMonth(deps.store, regionCode, month),
})

/** The officers' figures of a month, as the board and the monthly report count them on the day of `now`. */
export const monthFigures = async (reads: BoardReads, now: Date, regionCode: string, month: string) => {
  const [visits, ledger] = await Promise.all([
    reads.visits(regionCode, month),
    reads.ledger(regionCode, month),
  ])
  return figuresByOfficer(visits, ledger, month, businessDateOf(now))
}

/** The board of a month (this month's by default) from what `reads` finds, on the day of `now`. */
export const boardOf = async (
  reads: BoardReads,
  now: Date,
  actor: Actor,
  regionCode: string,
  query: z.infer<typeof monthQuery>,
) => {
  requireRegion(actor, regionCode)
  const month = monthOf(query.month, businessDateOf(now))
  const [{ figures, highRisk }, flags] = await Promise.all([
    monthFigures(reads, now, regionCode, month),
    reads.flags(regionCode, month),
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
  }
}

export const regionBoard = (
  deps: AppDeps,
  actor: Actor,
  regionCode: string,
  query: z.infer<typeof monthQuery>,
) => boardOf(boardReads(deps), deps.clock.now(), actor, regionCode, query)
