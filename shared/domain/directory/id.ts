// Identifiers chosen by offices (unit, officer, petitioner, matter): kept apart so that a function needing only
// this does not bundle the phone-number library with the other directory schemas.
import * as z from 'zod'

export const idSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
    'must be 1-64 letters, digits, - or _, starting with a letter or digit',
  )
