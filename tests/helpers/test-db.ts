// The database of integration tests (TEST_DB_URL, made fresh and migrated by scripts/test.sh) and
// fixtures written through an admin connection, as the platform's own services would.
import postgres from 'postgres'

export type AdminSql = postgres.Sql

/**
 * TEST_DB_URL, or a failure that says how to get one: integration tests must fail, not skip,
 * when there is no database, or a broken setup would pass as green.
 */
export function requireTestDbUrl(): string {
  const url = Deno.env.get('TEST_DB_URL')
  if (!url) {
    throw new Error(
      'TEST_DB_URL is not set. Integration tests need a migrated database: run `npm test` ' +
        '(scripts/test.sh makes one per run) or export TEST_DB_URL yourself.',
    )
  }
  return url
}

/** An admin (postgres) connection for fixtures; RLS does not apply to it. Close it with `end()`. */
export function adminSql(url = requireTestDbUrl()): AdminSql {
  return postgres(url, { max: 2, prepare: false, onnotice: () => {} })
}

/** Inserts a user into auth.users, as Supabase Auth does at sign-up; returns its id. */
export async function createUser(sql: AdminSql, email: string): Promise<string> {
  const id = crypto.randomUUID()
  await sql`insert into auth.users (id, email) values (${id}, ${email})`
  return id
}

/** Inserts a business created by `ownerId` (a trigger makes them its owner); returns its id. */
export async function createBusiness(
  sql: AdminSql,
  { name, slug, ownerId }: { name: string; slug?: string; ownerId: string },
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into public.businesses (name, slug, created_by)
    values (${name}, ${slug ?? null}, ${ownerId})
    returning id
  `
  return row.id
}

/** Adds `userId` to a business with `role`. */
export async function addMember(
  sql: AdminSql,
  businessId: string,
  userId: string,
  role: 'owner' | 'admin' | 'member',
): Promise<void> {
  await sql`
    insert into public.team_members (business_id, user_id, role)
    values (${businessId}, ${userId}, ${role})
  `
}

/** Deletes businesses first (their last owner cannot otherwise leave), then the users. */
export async function deleteFixtures(
  sql: AdminSql,
  { businessIds = [], userIds = [] }: { businessIds?: string[]; userIds?: string[] },
): Promise<void> {
  if (businessIds.length) await sql`delete from public.businesses where id in ${sql(businessIds)}`
  if (userIds.length) await sql`delete from auth.users where id in ${sql(userIds)}`
}
