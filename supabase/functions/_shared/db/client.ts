// The one Postgres client of the process (postgres.js over SUPABASE_DB_URL), created on first use.
import postgres from 'postgres'
import { getConfig } from '../config.ts'

export type Sql = postgres.Sql
export type Tx = postgres.TransactionSql

let client: Sql | undefined

/**
 * Returns the shared client. `prepare: false` because hosted functions reach Postgres through
 * the transaction pooler, which cannot keep prepared statements; a small pool because an edge
 * worker serves few concurrent requests and the pooler multiplexes the rest.
 */
export function getSql(): Sql {
  client ??= postgres(getConfig('db').SUPABASE_DB_URL, {
    prepare: false,
    max: 3,
    idle_timeout: 20,
    connect_timeout: 10,
    // Notices are not errors; postgres.js would print them raw, outside our JSON log.
    onnotice: () => {},
  })
  return client
}

/** Closes the shared client (tests, shutdown); the next `getSql()` opens a new one. */
export async function closeSql(): Promise<void> {
  const closing = client
  client = undefined
  await closing?.end({ timeout: 5 })
}
