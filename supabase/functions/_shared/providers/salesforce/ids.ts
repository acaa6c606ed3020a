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
 * be one. A 15-character id is case-sensitive and gets its checksum. An 18-character id is
 * case-insensitive: its suffix says which of the first 15 characters are upper case, so
 * `003ro0000035wqgyam` and `003RO0000035WQgYAM` are the same record and normalise alike. A suffix
 * that marks a digit as upper case cannot come from Salesforce and is refused.
 */
export function toId18(input: string): string | undefined {
  if (!idShape.test(input)) return undefined
  if (input.length === 15) return input + idChecksum(input)
  const suffix = input.slice(15).toUpperCase()
  let body = ''
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = checksumAlphabet.indexOf(suffix[chunk])
    if (bits < 0) return undefined
    for (let position = 0; position < 5; position++) {
      const char = input[chunk * 5 + position]
      const upper = (bits & (1 << position)) !== 0
      if (upper && !/[a-zA-Z]/.test(char)) return undefined
      body += upper ? char.toUpperCase() : char.toLowerCase()
    }
  }
  return body + suffix
}

/** The canonical 18-character id of a Contact, or undefined for anything else. */
export function toContactId18(input: string): string | undefined {
  const id = toId18(input)
  return id?.startsWith(contactKeyPrefix) ? id : undefined
}
