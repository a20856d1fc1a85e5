// The stop rule: after two consecutive satisfied visits the supervisor may close the remaining planned ones.

/**
 * A visit that found a high risk of a repeat petition does not count as settled, however satisfied the petitioner.
 */
export const mayCloseRemaining = (
  completedInOrder: Array<{ satisfaction?: string; repeatPetitionRisk?: string }>,
): boolean => {
  const lastTwo = completedInOrder.slice(-2)
  return (
    lastTwo.length === 2 &&
    lastTwo.every((v) => v.satisfaction === 'satisfied' && v.repeatPetitionRisk !== 'high')
  )
}

interface EventVisit {
  visitId: string
  sequence: number
  status: string
  completedAt?: string
  outcome?: unknown
}

/**
 * The visits of one event in the order of its cadence: each visit (`-v1`, `-v2`…), followed by its extra visits
 * (`-x`, `-x-x`), which keep its sequence and add to its id.
 */
export const inCadenceOrder = <V extends EventVisit>(visits: readonly V[]): V[] =>
  [...visits].sort((a, b) => a.sequence - b.sequence || a.visitId.length - b.visitId.length)

/** The planned visits the stop rule closes, in cadence order; undefined when the rule does not allow it. */
export const visitsToClose = <V extends EventVisit>(visits: readonly V[]): V[] | undefined => {
  const completed = visits
    .filter((v) => v.status === 'completed')
    .sort((a, b) => (a.completedAt ?? '').localeCompare(b.completedAt ?? ''))
  const settled = mayCloseRemaining(
    completed.map((v) => {
      const outcome = v.outcome as { satisfaction?: string; repeatPetitionRisk?: string } | undefined
      return { satisfaction: outcome?.satisfaction, repeatPetitionRisk: outcome?.repeatPetitionRisk }
    }),
  )
  return settled ? inCadenceOrder(visits).filter((v) => v.status === 'planned') : undefined
}
