// HMAC with WebCrypto, for every layer that signs or checks a signature with a shared secret
// (OAuth 1.0a requests, Salesforce's token-response signature, inbound webhooks).

/**
 * Base64 of HMAC-`hash`(key, message). The key and string messages are UTF-8; a message given as
 * bytes is signed as it is (a webhook's raw body: decoding and re-encoding it could change it).
 */
export async function hmacBase64(
  hash: 'SHA-1' | 'SHA-256',
  key: string,
  message: string | Uint8Array<ArrayBuffer>,
): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(key),
    { name: 'HMAC', hash },
    false,
    ['sign'],
  )
  const bytes = typeof message === 'string' ? new TextEncoder().encode(message) : message
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, bytes))
  return btoa(String.fromCharCode(...mac))
}
