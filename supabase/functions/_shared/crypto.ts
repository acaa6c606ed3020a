// HMAC with WebCrypto, for every layer that signs or checks a signature with a shared secret
// (OAuth 1.0a requests, Salesforce's token-response signature).

/** Base64 of HMAC-`hash`(key, message), both UTF-8. */
export async function hmacBase64(
  hash: 'SHA-1' | 'SHA-256',
  key: string,
  message: string,
): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(key),
    { name: 'HMAC', hash },
    false,
    ['sign'],
  )
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', cryptoKey, new TextEncoder().encode(message)),
  )
  return btoa(String.fromCharCode(...mac))
}
