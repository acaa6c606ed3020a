// Where the browser may be sent after the callback: only URLs the operator allowlisted, matched
// on the parsed origin and path, so look-alike hosts and relative tricks never pass.

/** Longer targets are refused outright; no app needs one. */
const maxLength = 2000

/** Backslashes, spaces and control characters: browsers read a backslash as `/` and drop tabs. */
function hasAmbiguousCharacters(target: string): boolean {
  for (const char of target) {
    const code = char.charCodeAt(0)
    if (char === '\\' || code <= 0x20 || code === 0x7f) return true
  }
  return false
}

/** The entry's path covers `pathname`: equal, or below it at a `/` boundary. */
function coversPath(prefix: string, pathname: string): boolean {
  if (prefix === '/' || prefix === pathname) return true
  const directory = prefix.endsWith('/') ? prefix : `${prefix}/`
  return pathname.startsWith(directory)
}

/**
 * True when `target` is an absolute http(s) URL whose origin equals an allowlist entry's and
 * whose path is at or below the entry's path. An entry `https://app.example.com` allows the
 * whole origin; `https://app.example.com/settings` allows `/settings` and `/settings/...`, not
 * `/settings-evil`. `https://app.example.com.evil.com`, `//evil`, `/local`, `javascript:`,
 * credentials in the URL and backslashes are all refused.
 */
export function isAllowedRedirect(target: string, allowlist: readonly string[]): boolean {
  // Such a string can mean one URL to us and another to the browser.
  if (target.length > maxLength || hasAmbiguousCharacters(target)) return false
  let url: URL
  try {
    // No base: a relative or scheme-relative target (`/x`, `//evil`) does not parse.
    url = new URL(target)
  } catch {
    return false
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false
  if (url.username !== '' || url.password !== '') return false
  return allowlist.some((entry) => {
    let allowed: URL
    try {
      allowed = new URL(entry)
    } catch {
      return false
    }
    return allowed.origin === url.origin && coversPath(allowed.pathname, url.pathname)
  })
}

/** `target` with `params` added to its query (existing parameters are kept). */
export function withParams(target: string, params: Record<string, string>): string {
  const url = new URL(target)
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  return url.href
}
