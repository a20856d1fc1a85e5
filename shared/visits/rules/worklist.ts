// An officer's worklist: how it is paged, and how urgent each open visit is today.
import * as z from 'zod'
import { addDays } from '../../calendar/rules/business-time.ts'

export const worklistQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2000).optional(),
})

export type Category = 'overdue' | 'due-today' | 'this-week' | 'later'

/** Overdue, due today, due within the six days after today, or later. */
export const categoryOf = (dueDate: string, today: string): Category => {
  if (dueDate < today) return 'overdue'
  if (dueDate === today) return 'due-today'
  return dueDate <= addDays(today, 6) ? 'this-week' : 'later'
}
