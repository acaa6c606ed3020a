// Where a proxied call goes: the caller's path and query under the connection's API base, or a
// 400 when the path could leave that base (dot segments in any encoding, `//host`, an absolute
// URL, backslashes, control characters).
import { AppError } from '../http/errors.ts'

/** Longer paths are no API's and only make the checks below cost more. */
const maxPathLength = 2048

/** 400 `path_not_allowed`: the path could leave the API base, so it is never sent. */
export class PathNotAllowedError extends AppError {
  constructor(why: string) {
    super(400, 'path_not_allowed', `The path is not allowed: ${why}`)
  }
}

// Control characters (C0 and DEL) in raw or decoded form: a header or request-line split.
// deno-lint-ignore no-control-regex
const controlCharacter = /[\u0000-\u001f\u007f]/
/** A scheme followed by `//`, or a bare web scheme: `https://evil.example`, `https:evil.example`. */
const absoluteUrl = /^([a-z][a-z0-9+.-]*:\/\/|(https?|wss?|ftp|file):)/i

/**
 * Percent-decodes until nothing changes, so `%252e%252e` (which a server that decodes twice
 * reads as `..`) is judged as `..`. Bounded: each round shortens the text.
 */
function fullyDecoded(text: string): string {
  let current = text
  for (let round = 0; round < 8; round++) {
    let next: string
    try {
      next = decodeURIComponent(current)
    } catch {
      // A malformed escape (`%zz`, a lone `%`) stays as it is; the provider will refuse it.
      next = current.replace(/%([0-9a-f]{2})/gi, (escape, hex: string) => {
        const code = parseInt(hex, 16)
        return code < 0x80 ? String.fromCharCode(code) : escape
      })
    }
    if (next === current) return current
    current = next
  }
  return current
}

/**
 * Refuses a path (the part after `/proxy/<integrationId>`, still percent-encoded, without the
 * query) that could address anything outside the API base. Every rule is checked on the raw text
 * and on its fully decoded form, because a provider (or a proxy in front of it) may decode once
 * more before routing.
 *
 * @throws {PathNotAllowedError} naming the rule, never echoing the path.
 */
export function checkProxyPath(rawPath: string): void {
  if (rawPath.length > maxPathLength) throw new PathNotAllowedError('longer than 2048 characters')
  if (rawPath !== '' && !rawPath.startsWith('/')) throw new PathNotAllowedError('must start with /')
  const decoded = fullyDecoded(rawPath)
  for (const form of [rawPath, decoded]) {
    if (controlCharacter.test(form)) throw new PathNotAllowedError('control characters')
    if (form.includes('\\')) throw new PathNotAllowedError('backslashes')
  }
  const segments = rawPath.split('/').slice(1)
  // An empty segment anywhere but last is `//`: read as `//host` (a network path) by some URL
  // parsers; a trailing slash is an API's own business.
  if (segments.slice(0, -1).some((segment) => segment === '')) {
    throw new PathNotAllowedError('empty segments (//)')
  }
  // Decoded per segment so `%2F` stays inside its segment (GitLab's `group%2Fproject` ids), and
  // then split again so `..%2F` is caught as the `..` it becomes when decoded. A `;` parameter
  // does not hide one (servlet containers read `..;x` as `..`), nor do full-width dots that a
  // server may fold (NFKC) into ASCII ones.
  const dotSegment = segments.some((segment) =>
    fullyDecoded(segment).normalize('NFKC').split('/').some((part) => {
      const name = part.split(';')[0]
      return name === '.' || name === '..'
    })
  )
  if (dotSegment) throw new PathNotAllowedError('dot segments (. or ..)')
  if (absoluteUrl.test(rawPath.slice(1)) || absoluteUrl.test(decoded.slice(1))) {
    throw new PathNotAllowedError('an absolute URL')
  }
}

/**
 * The URL a proxied call goes to: `apiBase` (no trailing slash) + `rawPath` + `rawQuery` (with
 * its `?`, or empty), kept as the caller encoded them. Checked twice: the path by
 * `checkProxyPath`, and the parsed result must still be under the base's origin and path.
 *
 * @throws {PathNotAllowedError} when the path is refused or the result leaves the base.
 */
export function proxyTargetUrl(apiBase: string, rawPath: string, rawQuery: string): URL {
  checkProxyPath(rawPath)
  const base = new URL(apiBase)
  const target = new URL(`${apiBase}${rawPath || '/'}${rawQuery}`)
  const basePath = base.pathname.replace(/\/+$/, '')
  const inside = target.origin === base.origin && target.username === '' &&
    target.password === '' &&
    (target.pathname === basePath || target.pathname.startsWith(`${basePath}/`))
  if (!inside) throw new PathNotAllowedError('it leaves the API base')
  return target
}

/**
 * Splits a request URL as it arrived (Deno hands a function the request target unnormalised:
 * `..` and `%2e%2e` are still there) into the path after `prefix` and the query with its `?`.
 * Parsing it with `new URL` would resolve the dot segments before we could refuse them.
 *
 * @example rawPathAfter('http://h/proxy/1/a/../b?x=1', '/proxy/1') // { path: '/a/../b', query: '?x=1' }
 */
export function rawPathAfter(requestUrl: string, prefix: string): { path: string; query: string } {
  const start = requestUrl.indexOf('/', requestUrl.indexOf('://') + 3)
  const withQuery = start === -1 ? '/' : requestUrl.slice(start)
  const hash = withQuery.indexOf('#')
  const target = hash === -1 ? withQuery : withQuery.slice(0, hash)
  const questionMark = target.indexOf('?')
  const path = questionMark === -1 ? target : target.slice(0, questionMark)
  const query = questionMark === -1 ? '' : target.slice(questionMark)
  if (!path.startsWith(prefix)) throw new PathNotAllowedError('it does not name an integration')
  return { path: path.slice(prefix.length), query }
}
