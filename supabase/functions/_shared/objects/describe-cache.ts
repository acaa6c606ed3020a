// The describe cache: a provider's object list and per-object fields kept per integration in
// private.describe_cache, so reading them again costs no API call while the copy is fresh, and a
// stale copy is revalidated with its Last-Modified / ETag (a 304 keeps it, without a body).
// The provider is never asked inside a database transaction.
import { asService } from '../db/as-user.ts'
import type { Described, DescribeValidators } from '../providers/describe.ts'

/**
 * How long a copy is served without asking the provider. Describe changes when an admin edits
 * the org's schema or permissions, which is rare; a caller who just changed it asks with
 * `refresh` (maxAgeSeconds 0), and a field that vanishes later fails its object's sync anyway.
 */
export const describeMaxAgeSeconds = 15 * 60

/** The object list's scope; any other scope is an object's API name. */
export const objectListScope = '*'

/** A copy from the cache, or just confirmed or fetched. */
export interface CachedDescribe<T> {
  body: T
  /** When the provider last confirmed this copy. */
  fetchedAt: Date
}

interface CacheRow {
  /** The provider's normalised answer (the column holds it under `described`). */
  described: unknown
  last_modified: Date | null
  etag: string | null
  fetched_at: Date
  fresh: boolean
}

/**
 * The integration's describe of `scope`: the cached copy when younger than `maxAgeSeconds` (no
 * API call), else `ask(validators)` once, conditionally when a copy exists. Undefined when the
 * provider says there is no such thing (nothing is cached then).
 *
 * @throws whatever `ask` throws (a dead grant, the org's limit, the provider failing).
 */
export async function cachedDescribe<T>(
  integrationId: string,
  scope: string,
  maxAgeSeconds: number,
  ask: (validators: DescribeValidators | null) => Promise<Described<T> | undefined>,
): Promise<CachedDescribe<T> | undefined> {
  const cached = await asService(async (tx) => {
    const [row] = await tx<CacheRow[]>`
      select body -> 'described' as described, last_modified, etag, fetched_at,
             fetched_at > now() - make_interval(secs => ${maxAgeSeconds}) as fresh
        from private.describe_cache
       where integration_id = ${integrationId} and scope = ${scope}`
    return row
  })
  if (cached?.fresh) return { body: cached.described as T, fetchedAt: cached.fetched_at }

  const answer = await ask(
    cached ? { lastModified: cached.last_modified, etag: cached.etag } : null,
  )
  if (answer === undefined) {
    // Gone at the provider: a stale copy must not keep vouching for it.
    await asService((tx) =>
      tx`delete from private.describe_cache
          where integration_id = ${integrationId} and scope = ${scope}`
    )
    return undefined
  }
  if (!answer.modified) {
    if (!cached) throw new Error('A describe answered "not modified" to an unconditional request')
    const [row] = await asService((tx) =>
      tx<{ fetched_at: Date }[]>`
        update private.describe_cache set fetched_at = now()
         where integration_id = ${integrationId} and scope = ${scope}
        returning fetched_at`
    )
    return { body: cached.described as T, fetchedAt: row?.fetched_at ?? new Date() }
  }
  const [row] = await asService((tx) =>
    tx<{ fetched_at: Date }[]>`
      insert into private.describe_cache
        (integration_id, scope, last_modified, etag, body, fetched_at)
      values (${integrationId}, ${scope}, ${answer.lastModified}, ${answer.etag},
              ${JSON.stringify({ described: answer.body })}::text::jsonb,
              now())
      on conflict (integration_id, scope) do update
        set last_modified = excluded.last_modified, etag = excluded.etag, body = excluded.body,
            fetched_at = excluded.fetched_at
      returning fetched_at`
  )
  return { body: answer.body, fetchedAt: row.fetched_at }
}
