// Zod readers of the fields every Contact query returns, shared by the picker, the import and
// the sync, so a record's id, text and Account lookup are read the same way everywhere.
import { z } from 'zod'
import { toId18 } from './ids.ts'

/** Unset fields are `null` in REST; a field left out of the SELECT is absent. Both → null. */
export const textField = z.string().nullish().transform((value) => value ?? null)

/** A record id, 15 or 18 characters, read as the canonical 18-character id. */
export const idField = z.string().transform((value, ctx) => {
  const id18 = toId18(value)
  if (!id18) ctx.addIssue({ code: 'custom', message: 'not a Salesforce id' })
  return id18 ?? value
})

/** A parent Account lookup is a nested object with its own `attributes`, or null when empty. */
export const accountField = z.looseObject({ Name: textField }).nullish().transform((value) =>
  value ?? null
)
