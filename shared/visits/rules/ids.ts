// The ids of a visit and of what hangs on it: the visits of an event and the extra visits after them, their timers
// and the SMS about them. They are stored keys: a change here would orphan what the table already holds.
import { eventKeyOf } from '../../matters/rules/events.ts'
import { minuteOf } from '../../scheduling/rules/timers.ts'

/** The visits of one event: `<matterId>.<eventId>-v1`, `-v2`… (see eventKeyOf). */
export const visitIdOf = (event: { matterId: string; eventId: string }, sequence: number) =>
  `${eventKeyOf(event)}-v${sequence}`

/** The extra visit after a dissatisfied or high-risk outcome: `-x` after the visit it follows (`-x-x` after an extra). */
export const extraVisitIdOf = (visitId: string) => `${visitId}-x`

/** A visit's reminders: `-r1`, `-r2`…; its overdue ladder: `-o1` (supervisor) and `-o2` (accountability record). */
export const reminderTimerId = (visitId: string, n: number) => `${visitId}-r${n}`
export const supervisorTimerId = (visitId: string) => `${visitId}-o1`
export const accountabilityTimerId = (visitId: string) => `${visitId}-o2`

/** Every timer a visit may have: its reminders so far, and its two ladder steps. */
export const timerIdsOfVisit = (visit: { visitId: string; reminderCount: number }) => [
  ...Array.from({ length: visit.reminderCount }, (_, n) => reminderTimerId(visit.visitId, n + 1)),
  supervisorTimerId(visit.visitId),
  accountabilityTimerId(visit.visitId),
]

/** The petitioner told that a return visit will come: one SMS per event. */
export const plannedSmsId = (event: { matterId: string; eventId: string }) =>
  `sms-${eventKeyOf(event)}-petitioner`

/** The petitioner's SMS of an appointment: one per version of the visit that set it. */
export const appointmentSmsId = (visitId: string, version: number) => `sms-appointment-${visitId}-${version}`

/** One reminder SMS per reminder and due time: a visit moved after its reminder was sent is reminded of again. */
export const reminderSmsId = (timerId: string, dueAt: Date) =>
  `sms-${timerId}-${minuteOf(dueAt).replace(/\D/g, '')}`

/** A supervisor told of a flag: once per flag and supervisor. */
export const flagSmsId = (flagId: string, supervisorId: string) => `sms-flag-${flagId}-${supervisorId}`
