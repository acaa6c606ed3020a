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

const ID15 = /^[a-zA-Z0-9]{15}$/
const ID18 = /^[a-zA-Z0-9]{18}$/

/**
 * The 18-char form of a 15- or 18-char id as Salesforce matches it, or null when the input
 * cannot be an id (wrong length or characters). A 15-char id gets its checksum. An 18-char id
 * is case-safe, not case-insensitive: Salesforce never uses the suffix to restore lost case, so
 * it is taken exactly as given and a re-cased one matches no record (facts §0.17, §10.3).
 */
export function normalizeId(input: string): string | null {
  if (ID15.test(input)) return to18(input)
  return ID18.test(input) ? input : null
}

/** Most orgs whose ids `orgIdSpace` keeps apart: three base-62 characters of org number. */
export const MAX_ORGS = 62 ** 3

/**
 * The characters after the key prefix that belong to org number `n` (1-based): two pod
 * characters, as real ids carry, then the org number in three base-62 characters. The number
 * makes every org's ids distinct from every other org's (up to `MAX_ORGS`); the pod alone
 * repeats after 1,612 orgs.
 */
export function orgIdSpace(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > MAX_ORGS) {
    throw new RangeError(`org number ${n} is outside 1..${MAX_ORGS}`)
  }
  const pod = BASE62[10 + (n * 7) % 52] + BASE62[(n * 13) % 62]
  return pod + base62(n - 1, 3)
}

function base62(n: number, width: number): string {
  let out = ''
  for (let i = 0; i < width; i++) {
    out = BASE62[n % 62] + out
    n = Math.floor(n / 62)
  }
  return out
}

/**
 * Mints ids for one key prefix: prefix + a fixed part (pod characters, or `orgIdSpace`) + a
 * base-62 sequence filling the 15 characters, like real ids (`003RO0000035WQg`). Mixed case
 * appears naturally once the sequence grows. Running out of sequence throws rather than wrap.
 */
export class IdMinter {
  #next: number
  readonly #digits: number
  constructor(private readonly prefix: string, private readonly pod: string, start = 1) {
    this.#next = start
    this.#digits = 15 - prefix.length - pod.length
  }
  mint(): string {
    const n = this.#next++
    if (n >= 62 ** this.#digits) throw new RangeError(`ids of ${this.prefix}${this.pod} ran out`)
    return to18(this.prefix + this.pod + base62(n, this.#digits))
  }
}
