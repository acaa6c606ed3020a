// Response helpers in Salesforce's shapes: REST error arrays, OAuth error objects, HTML pages.

export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json;charset=UTF-8', ...headers },
  })
}

/** REST errors are a JSON array of `{message, errorCode[, fields]}` (facts §4.1). */
export function restError(
  status: number,
  errorCode: string,
  message: string,
  fields?: string[],
): Response {
  return json([{ message, errorCode, ...(fields ? { fields } : {}) }], status)
}

export const sessionInvalid = () =>
  restError(401, 'INVALID_SESSION_ID', 'Session expired or invalid')

export const notFound = () => restError(404, 'NOT_FOUND', 'The requested resource does not exist')

/** OAuth endpoint errors are a JSON object `{error, error_description}` (facts §1.9). */
export function oauthError(error: string, description: string, status = 400): Response {
  return json({ error, error_description: description }, status)
}

export function html(body: string, status = 200, headers: HeadersInit = {}): Response {
  return new Response(body, {
    status,
    headers: { 'content-type': 'text/html;charset=UTF-8', ...headers },
  })
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Reads form parameters from the query string and an `application/x-www-form-urlencoded` body. */
export async function formParams(req: Request, url: URL): Promise<URLSearchParams> {
  const params = new URLSearchParams(url.search)
  const type = req.headers.get('content-type') ?? ''
  if (req.method === 'POST' && type.toLowerCase().includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(await req.text())) params.set(k, v)
  }
  return params
}

export function bearerToken(req: Request, url?: URL): string | null {
  const auth = req.headers.get('authorization')
  // Salesforce accepts both the standard `Bearer` and its older `OAuth` scheme.
  const m = auth ? /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(auth) : null
  if (m) return m[1]
  return url?.searchParams.get('oauth_token') ?? null
}
