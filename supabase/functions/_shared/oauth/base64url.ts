// base64url (RFC 4648 §5, no padding) encoding and random strings in that alphabet.

/** Encodes bytes as base64url without padding: only A-Z a-z 0-9 - _ (never `~`, `+`, `/`). */
export function base64url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** `byteLength` bytes from the platform CSPRNG, base64url-encoded. */
export function randomBase64url(byteLength: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(byteLength)))
}

/** SHA-256 of a string's UTF-8 bytes. */
export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
}
