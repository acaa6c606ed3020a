// Which Salesforce field types the sync can store, read from describe's `type` and
// `compoundFieldName` (facts: Describe; Contact's compound Name and address fields).
import type { UnstorableReason } from '../describe.ts'

/**
 * Field types whose values the sync stores as they come (text, numbers, booleans, dates, ids).
 * Left out, with the reason: `address`/`location` are compound (their parts are fields of their
 * own: MailingStreet ...); `base64` is a file body, read one record at a time, never by query
 * pages; `encryptedstring` arrives masked unless the user may view encrypted data; `anyType`,
 * `complexvalue` and the rest have no one JSON shape to store.
 */
const storableTypes = new Set([
  'id',
  'reference',
  'string',
  'textarea',
  'email',
  'phone',
  'url',
  'picklist',
  'multipicklist',
  'combobox',
  'boolean',
  'int',
  'long',
  'double',
  'currency',
  'percent',
  'date',
  'datetime',
  'time',
])
const compoundTypes = new Set(['address', 'location'])

/** Why a field cannot be stored, or null: `compoundNames` are the compound parents of fields. */
export function unstorableReason(
  field: { name: string; type: string },
  compoundNames: ReadonlySet<string>,
): UnstorableReason | null {
  // A compound parent (Contact.Name, MailingAddress) repeats its parts, which map one by one.
  if (compoundTypes.has(field.type) || compoundNames.has(field.name)) return 'compound'
  return storableTypes.has(field.type) ? null : 'unsupported_type'
}
