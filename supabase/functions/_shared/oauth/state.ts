// OAuth state values: 32 random bytes for the browser, only their SHA-256 for the database.
import { randomBase64url, sha256 } from './base64url.ts'

/** 32 bytes base64url-encoded are exactly 43 characters of the URL-safe alphabet. */
const statePattern = /^[A-Za-z0-9_-]{43}$/

/** A fresh state value: 32 bytes from the CSPRNG, base64url. */
export function createState(): string {
  return randomBase64url(32)
}

/** True when `value` has the shape of a state we issue; anything else is refused unread. */
export function isWellFormedState(value: string | undefined): value is string {
  return value !== undefined && statePattern.test(value)
}

/**
 * The key a state is stored under. Only the hash reaches the database, so a leaked table (or
 * backup) holds nothing that can complete a pending authorization.
 */
export async function hashState(state: string): Promise<Uint8Array> {
  return await sha256(state)
}
