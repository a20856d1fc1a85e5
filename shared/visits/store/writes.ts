// Transactions as the visits' store builds them: actions hand the writes on and never look inside.
import {
  type ExecuteTransactWriteInput,
  type ExecuteTransactWriteOptions,
  execute as executeTransactWrite,
} from 'dynamodb-toolbox/entity/actions/transactWrite'
import { isConditionRefusal, writeUnlessDone } from '../../platform/audit.ts'
import { ConflictError } from '../../platform/errors.ts'

/** One write of a transaction (a put, an update, an audit entry…), opaque to the actions. */
export type Write = Exclude<ExecuteTransactWriteInput[number], ExecuteTransactWriteOptions>

/** Every write or none. */
export const writeTogether = async (writes: readonly Write[]) => {
  await executeTransactWrite(...writes)
}

/** Writes an earlier delivery may already have made (each has a condition): true when this call made them. */
export const writeOnce = (writes: readonly Write[]) => writeUnlessDone(executeTransactWrite(...writes))

/** A change to a visit refused by a condition (its version moved on meanwhile): 409, read it again. */
export const commitVisitChange = async (visitId: string, writes: readonly Write[]) => {
  try {
    await executeTransactWrite(...writes)
  } catch (error) {
    if (isConditionRefusal(error))
      throw new ConflictError(`visit ${visitId} changed meanwhile; read it again`)
    throw error
  }
}
