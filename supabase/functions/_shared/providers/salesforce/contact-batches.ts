// Splits Contact ids into as few `WHERE Id IN (...)` queries as Salesforce accepts, measured by
// the limit that binds a REST query: the length of the URL-encoded request URI.
import { contactsByIdParts } from './contact-soql.ts'
import { soqlString } from './soql.ts'

/**
 * Salesforce caps one REST request at 16,384 bytes of URI plus headers: a URI over it gets
 * `414 URI Too Long`, URI and headers together over it `431` (help article 000386264; facts
 * §2.5). A query GET carries its SOQL in the URI, URL-encoded, where an id literal `'003…',`
 * costs 27 bytes (`%27` twice, `%2C`) against 21 characters of SOQL: 2,000 ids need ~54,000
 * bytes of URI but only ~42,000 characters of SOQL. So the URI, not SOQL's 100,000-character
 * statement limit, decides how many ids fit in one query.
 */
export const salesforceUriAndHeadersMaxBytes = 16_384

/**
 * Bytes kept for the request's headers within that cap: Host, Accept, User-Agent and, above all,
 * `Authorization: Bearer <token>`. An opaque Salesforce session id is ~112 bytes, an opt-in JWT
 * access token 1-1.5 KB; 2,048 covers both with room (Airbyte keeps back ~2,000 for the same).
 */
export const headerReserveBytes = 2_048

/** The URI budget of one query GET (path + `?q=` + the encoded SOQL). */
export const maxQueryUriBytes = salesforceUriAndHeadersMaxBytes - headerReserveBytes

/** Length of `value` once form-encoded into a query string, as URLSearchParams (and api.ts) do. */
export function encodedLength(value: string): number {
  return new URLSearchParams({ q: value }).toString().length - 2
}

/** The path `query` requests go to: the instance URL's own path (if any) + the versioned API. */
export function queryPath(instanceUrl: string | null, apiVersion: string): string {
  const base = instanceUrl ? new URL(instanceUrl).pathname.replace(/\/+$/, '') : ''
  return `${base}/services/data/v${apiVersion}/query`
}

/** Bytes of the URI (path and query string) that a query GET for `soql` sends. */
export function queryUriBytes(path: string, soql: string): number {
  return path.length + '?q='.length + encodedLength(soql)
}

/**
 * Groups `ids` (canonical, deduplicated) into batches, in order, each as large as the URI
 * budget allows, so the number of `query` calls is the least a GET can do. Encoding is per
 * character, so a query's length is the sum of its parts' and the plan is exact: every batch's
 * real URI is at most `maxQueryUriBytes`. SOQL's 100,000-character cap needs no check of its
 * own: encoding never shortens text, so SOQL that fits 14,336 bytes of URI is far below it.
 *
 * @param path the request path (see `queryPath`), which counts toward the URI.
 */
export function planIdBatches(ids: readonly string[], path: string): string[][] {
  const { head, separator, tail } = contactsByIdParts
  const fixedUri = queryUriBytes(path, head + tail)
  const separatorUri = encodedLength(separator)
  const batches: string[][] = []
  let batch: string[] = []
  let uri = fixedUri
  for (const id of ids) {
    const literal = soqlString(id)
    const literalUri = encodedLength(literal)
    if (batch.length > 0 && uri + separatorUri + literalUri > maxQueryUriBytes) {
      batches.push(batch)
      batch = []
      uri = fixedUri
    }
    uri += (batch.length > 0 ? separatorUri : 0) + literalUri
    if (uri > maxQueryUriBytes) throw new RangeError('The query path leaves no room for one id')
    batch.push(id)
  }
  if (batch.length > 0) batches.push(batch)
  return batches
}
