// The visits' timers: what each does when it is due (the consumer finds them through functions/scheduling/fire.ts).
import type { TimerHandlers } from '../scheduling/ports.ts'
import { climbLadder } from './actions/climb-ladder.ts'
import { remindOfficerOfVisit } from './actions/remind-officer.ts'

export const visitTimerHandlers = {
  'visit-reminder': async (deps, timer) => {
    const result = await remindOfficerOfVisit(deps, timer)
    return { acted: result.reminded, reason: result.reason }
  },
  'visit-overdue-supervisor': (deps, timer) => climbLadder(deps, timer, 'supervisor'),
  'visit-overdue-accountability': (deps, timer) => climbLadder(deps, timer, 'accountability'),
} satisfies TimerHandlers<'visit-reminder' | 'visit-overdue-supervisor' | 'visit-overdue-accountability'>
