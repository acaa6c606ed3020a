// Completion tickets: the one-time value the callback hands the app instead of connecting, and
// the authorization code sealed under it, so the database alone can never redeem a code.
import { randomBase64url, sha256 } from './base64url.ts'

/** 32 bytes base64url-encoded are exactly 43 characters of the URL-safe alphabet. */
export const ticketPattern = /^[A-Za-z0-9_-]{43}$/

/** AES-GCM's recommended nonce length. */
const ivBytes = 12

/** A fresh ticket: 32 bytes from the CSPRNG, base64url. */
export function createTicket(): string {
  return randomBase64url(32)
}

/** The key a ticket is stored under: only its hash reaches the database, as for states. */
export async function hashTicket(ticket: string): Promise<Uint8Array> {
  return await sha256(ticket)
}

/**
 * The AES-256-GCM key a ticket seals its code with: HKDF-SHA256 over the ticket, with a label
 * of its own so the key shares nothing with the stored hash.
 */
async function sealingKey(ticket: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(ticket),
    'HKDF',
    false,
    ['deriveKey'],
  )
  return await crypto.subtle.deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: new Uint8Array(),
      info: new TextEncoder().encode('oauth-completion-code'),
    },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

/**
 * Encrypts the authorization code under the ticket: nonce followed by ciphertext and tag. The
 * row that holds it (with the PKCE verifier) is useless to whoever reads the table but lacks
 * the ticket, which only ever went to the browser.
 */
export async function sealCode(code: string, ticket: string): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(ivBytes))
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv },
    await sealingKey(ticket),
    new TextEncoder().encode(code),
  )
  const out = new Uint8Array(ivBytes + sealed.byteLength)
  out.set(iv)
  out.set(new Uint8Array(sealed), ivBytes)
  return out
}

/**
 * The code sealed by `sealCode` under the same ticket.
 *
 * @throws {DOMException} `OperationError` when the ticket is not the one it was sealed with or
 *   the bytes were changed.
 */
export async function openCode(sealed: Uint8Array, ticket: string): Promise<string> {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: sealed.slice(0, ivBytes) },
    await sealingKey(ticket),
    sealed.slice(ivBytes),
  )
  return new TextDecoder().decode(plain)
}
