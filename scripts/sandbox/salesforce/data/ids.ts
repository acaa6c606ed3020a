// Salesforce record ids: 15-char case-sensitive bodies, the 3-char case checksum, and id minting.

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** Well-known key prefixes (first three characters of an id). */
export const KEY_PREFIXES = {
  Account: '001',
  Contact: '003',
  User: '005',
  Lead: '00Q',
  Organization: '00D',
  QueryLocator: '01g',
} as const

/** The 3-char suffix that makes a 15-char id case-insensitive-safe (facts §10.3). */
export function idChecksum(id15: string): string {
  let suffix = ''
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i)
      if (c >= 65 && c <= 90) bits |= 1 << i
    }
    suffix += SUFFIX_ALPHABET[bits]
  }
  return suffix
}

export function to18(id15: string): string {
  return id15 + idChecksum(id15)
}

const ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?$/i

/**
 * Normalises a 15- or 18-char id to its canonical 18-char form, or returns null when the
 * input cannot be an id. An 18-char id is matched case-insensitively, as Salesforce does:
 * its suffix restores the case of the first 15 characters.
 */
export function normalizeId(input: string): string | null {
  if (!ID_SHAPE.test(input)) return null
  if (input.length === 15) return to18(input)
  const suffix = input.slice(15).toUpperCase()
  let body = ''
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = SUFFIX_ALPHABET.indexOf(suffix[chunk])
    if (bits < 0) return null
    for (let i = 0; i < 5; i++) {
      const ch = input[chunk * 5 + i]
      body += bits & (1 << i) ? ch.toUpperCase() : ch.toLowerCase()
    }
  }
  // Digits have no case, so an upper-case bit on a digit means the suffix does not belong.
  return to18(body) === body + suffix ? body + suffix : null
}

/**
 * Mints ids for one key prefix: prefix + 2 pod chars + a base-62 sequence, like real ids
 * (`003RO0000035WQg`). Mixed case appears naturally once the sequence grows.
 */
export class IdMinter {
  #next: number
  constructor(private readonly prefix: string, private readonly pod: string, start = 1) {
    this.#next = start
  }
  mint(): string {
    let n = this.#next++
    let seq = ''
    for (let i = 0; i < 10; i++) {
      seq = BASE62[n % 62] + seq
      n = Math.floor(n / 62)
    }
    return to18(this.prefix + this.pod + seq)
  }
}
