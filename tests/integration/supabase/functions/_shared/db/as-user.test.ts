// asUser/asService against a real migrated database: the transaction must see what a PostgREST
// request of that user sees, and leave nothing behind on the pooled connection.
import assert from 'node:assert/strict'
import { setEnv } from '../../../../../helpers/env.ts'
import {
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from '../../../../../helpers/test-db.ts'
import type { UserClaims } from '../../../../../../supabase/functions/_shared/auth/verify-jwt.ts'
import { asService, asUser } from '../../../../../../supabase/functions/_shared/db/as-user.ts'
import {
  closeSql,
  getSql,
  type Tx,
} from '../../../../../../supabase/functions/_shared/db/client.ts'

function claimsFor(sub: string): UserClaims {
  const now = Math.floor(Date.now() / 1000)
  return {
    sub,
    role: 'authenticated',
    aud: 'authenticated',
    exp: now + 60,
    email: 'x@example.test',
  }
}

async function withTenants(
  run: (ids: { ann: string; bob: string; acme: string; bravo: string }) => Promise<void>,
): Promise<void> {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const restore = setEnv({ SUPABASE_DB_URL: dbUrl })
  const tag = crypto.randomUUID().slice(0, 8)
  const ids = { ann: '', bob: '', acme: '', bravo: '' }
  try {
    ids.ann = await createUser(sql, `ann-${tag}@example.test`)
    ids.bob = await createUser(sql, `bob-${tag}@example.test`)
    ids.acme = await createBusiness(sql, { name: `Acme ${tag}`, ownerId: ids.ann })
    ids.bravo = await createBusiness(sql, { name: `Bravo ${tag}`, ownerId: ids.bob })
    await run(ids)
  } finally {
    await closeSql()
    await deleteFixtures(sql, {
      businessIds: [ids.acme, ids.bravo].filter(Boolean),
      userIds: [ids.ann, ids.bob].filter(Boolean),
    })
    await sql.end()
    restore()
  }
}

Deno.test("asUser: runs as authenticated with the caller's claims, so RLS applies", async () => {
  await withTenants(async ({ ann, acme, bravo }) => {
    const seen = await asUser(claimsFor(ann), async (tx) => {
      const [who] =
        await tx`select current_user as role, auth.uid() as uid, auth.role() as claim_role,
        auth.jwt() ->> 'email' as email`
      const rows = await tx<{ id: string }[]>`
        select id from public.businesses where id in (${acme}, ${bravo})`
      return { who, ids: rows.map((row) => row.id) }
    })
    assert.deepEqual(seen.who, {
      role: 'authenticated',
      uid: ann,
      claim_role: 'authenticated',
      email: 'x@example.test',
    })
    // Without a join on membership, only RLS can have hidden Bravo.
    assert.deepEqual(seen.ids, [acme])
  })
})

Deno.test('asUser: RLS refuses writes the caller may not make', async () => {
  await withTenants(async ({ ann, bravo }) => {
    await assert.rejects(
      () => asUser(claimsFor(ann), (tx) => addMemberAs(tx, bravo, ann)),
      (error: { code?: string }) => error.code === '42501',
    )
    const count = await asService(async (tx) => {
      const [row] = await tx`select count(*)::int as n from public.team_members
        where business_id = ${bravo} and user_id = ${ann}`
      return row.n
    })
    assert.equal(count, 0)
  })
})

function addMemberAs(tx: Tx, businessId: string, userId: string) {
  return tx`insert into public.team_members (business_id, user_id, role)
    values (${businessId}, ${userId}, 'member')`
}

Deno.test('asUser: role and claims do not outlive the transaction', async () => {
  await withTenants(async ({ ann }) => {
    await asUser(claimsFor(ann), (tx) => tx`select 1`)
    // More plain queries than pool connections, so the one asUser used is among them.
    for (let i = 0; i < 6; i++) {
      const [row] = await getSql()`select current_user as role,
        coalesce(current_setting('request.jwt.claims', true), '') as claims`
      assert.deepEqual(row, { role: 'postgres', claims: '' })
    }
  })
})

Deno.test('asUser: an error rolls the whole transaction back', async () => {
  await withTenants(async ({ ann, bob, acme }) => {
    await assert.rejects(() =>
      asUser(claimsFor(ann), async (tx) => {
        await tx`insert into public.team_members (business_id, user_id, role)
          values (${acme}, ${bob}, 'member')`
        throw new Error('changed my mind')
      }), /changed my mind/)
    const [row] = await asService((tx) =>
      tx`select count(*)::int as n from public.team_members
        where business_id = ${acme} and user_id = ${bob}`
    )
    assert.equal(row.n, 0)
  })
})

Deno.test('asService: runs as service_role, seeing every tenant but no more than it is granted', async () => {
  await withTenants(async ({ acme, bravo }) => {
    const { role, ids } = await asService(async (tx) => {
      const [{ role }] = await tx<{ role: string }[]>`select current_user as role`
      const rows = await tx<{ id: string }[]>`
        select id from public.businesses where id in (${acme}, ${bravo}) order by name`
      return { role, ids: rows.map((row) => row.id) }
    })
    assert.equal(role, 'service_role')
    assert.deepEqual(ids, [acme, bravo])
    await assert.rejects(
      asService((tx) => tx`select * from auth.users limit 1`),
      /permission denied/,
    )
  })
})
