// Signs alert bodies (HMAC-SHA256 over "<t>.<body>") into the X-Signature header, and verifies
// such a header the way a receiver should. Only web APIs, so receivers can copy verifySignature.

/** The request header that carries `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'X-Signature'

const encoder = new TextEncoder()

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    [usage],
  )
}

function toHex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/**
 * The X-Signature value for `body` sent at `timestamp`: the timestamp is signed with the body so
 * a captured request cannot be replayed later with a fresh `t`.
 *
 * @example headers.set(SIGNATURE_HEADER, await signatureHeader(secret, body))
 */
export async function signatureHeader(
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): Promise<string> {
  const key = await hmacKey(secret, 'sign')
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${timestamp}.${body}`))
  return `t=${timestamp},v1=${toHex(mac)}`
}

/**
 * True when `header` holds a `v1` HMAC-SHA256 of `"<t>.<body>"` under `secret` and `t` is within
 * `toleranceSeconds` of now (either side: a clock running ahead is as suspicious as a replay).
 * `body` must be the raw request body, before any JSON parsing. Several `v1` entries are accepted
 * (any one may match), so a sender can sign with an old and a new secret during a rotation.
 * The MAC is checked with `crypto.subtle.verify`, which compares in constant time.
 *
 * @example
 * const raw = await request.text()
 * if (!await verifySignature(request.headers.get('x-signature') ?? '', raw, secret, 300)) {
 *   return new Response('bad signature', { status: 401 })
 * }
 */
export async function verifySignature(
  header: string,
  body: string,
  secret: string,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<boolean> {
  let timestamp: string | undefined
  const macs: Uint8Array<ArrayBuffer>[] = []
  for (const part of header.split(',')) {
    const separator = part.indexOf('=')
    if (separator < 0) continue
    const name = part.slice(0, separator).trim()
    const value = part.slice(separator + 1).trim()
    if (name === 't') timestamp = value
    // 64 hex digits is a SHA-256 MAC; anything else cannot match and is ignored.
    if (name === 'v1' && /^[0-9a-f]{64}$/i.test(value)) {
      macs.push(Uint8Array.from(value.match(/../g)!, (pair) => parseInt(pair, 16)))
    }
  }
  if (timestamp === undefined || !/^[0-9]{1,12}$/.test(timestamp) || macs.length === 0) {
    return false
  }
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false
  const key = await hmacKey(secret, 'verify')
  const signed = encoder.encode(`${timestamp}.${body}`)
  for (const mac of macs) {
    if (await crypto.subtle.verify('HMAC', key, mac, signed)) return true
  }
  return false
}
