// PKCE (RFC 7636) with S256: the code verifier and its challenge.
import { base64url, randomBase64url, sha256 } from './base64url.ts'

/** Verifier bytes: 32 give 43 characters (RFC minimum), 96 give 128 (RFC maximum). */
const minBytes = 32
const maxBytes = 96

/**
 * Characters a verifier may use. RFC 7636 also allows `.` and `~`, but Salesforce rejects `~`
 * ("invalid code verifier"), so we only ever make base64url ones.
 */
export const codeVerifierPattern = /^[A-Za-z0-9_-]{43,128}$/

/**
 * A fresh code verifier: base64url of `byteLength` random bytes (43 to 128 characters).
 *
 * @throws {RangeError} when `byteLength` is outside 32..96.
 */
export function createCodeVerifier(byteLength = 48): string {
  if (!Number.isInteger(byteLength) || byteLength < minBytes || byteLength > maxBytes) {
    throw new RangeError(`A code verifier needs ${minBytes} to ${maxBytes} random bytes`)
  }
  return randomBase64url(byteLength)
}

/** The S256 challenge of a verifier: base64url(SHA-256(verifier)), no padding. */
export async function codeChallengeS256(verifier: string): Promise<string> {
  return base64url(await sha256(verifier))
}
