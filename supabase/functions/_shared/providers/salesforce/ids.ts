// Salesforce ids: 15→18 normalisation with the case checksum, so one record has one key.

/** Bit value 0..31 of a checksum character, in Salesforce's order (facts §10.3). */
const checksumAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'

/** Every Contact id starts with this key prefix. */
export const contactKeyPrefix = '003'

const idShape = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/

function isUpperAscii(char: string): boolean {
  return char >= 'A' && char <= 'Z'
}

/** The 3-character suffix of a 15-character id: one bit per character, set when upper case. */
export function idChecksum(id15: string): string {
  let suffix = ''
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0
    for (let position = 0; position < 5; position++) {
      if (isUpperAscii(id15[chunk * 5 + position])) bits |= 1 << position
    }
    suffix += checksumAlphabet[bits]
  }
  return suffix
}

/**
 * The canonical 18-character form of a 15- or 18-character id, or undefined when `input` cannot
 * be one. A 15-character id is case-sensitive and gets the checksum of its case. An 18-character
 * id is case-safe, not case-insensitive (facts §0.17): it is canonical only when its suffix is
 * the checksum of its first 15 characters exactly as given. A re-cased id such as
 * `003ro0000035wqgyam` fails that test and is refused, never re-cased: Salesforce matches it to
 * no record, so neither do we, and ids are then compared exactly.
 */
export function toId18(input: string): string | undefined {
  if (!idShape.test(input)) return undefined
  const body = input.slice(0, 15)
  const id18 = body + idChecksum(body)
  return input.length === 15 || input === id18 ? id18 : undefined
}

/** The canonical 18-character id of a Contact, or undefined for anything else. */
export function toContactId18(input: string): string | undefined {
  const id = toId18(input)
  return id?.startsWith(contactKeyPrefix) ? id : undefined
}
