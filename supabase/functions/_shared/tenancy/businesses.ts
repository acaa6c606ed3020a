// Tenancy queries about businesses, run inside a caller-scoped transaction (RLS decides).
import type { Tx } from '../db/client.ts'

export type TeamRole = 'owner' | 'admin' | 'member'

/** A business as its members see it, with the caller's role in it. */
export interface CallerBusiness {
  id: string
  name: string
  slug: string | null
  role: TeamRole
  created_at: Date
}

/**
 * The businesses the caller belongs to, ordered by name, with the caller's role. Membership and
 * role come from app.is_member/app.has_role only, as every policy's do, so an app that redefines
 * them over its own members table (README, "Bring your own tenancy") changes this too. `tx` must
 * come from `asUser` (RLS on businesses applies as well).
 */
export async function listCallerBusinesses(tx: Tx): Promise<CallerBusiness[]> {
  return await tx<CallerBusiness[]>`
    select b.id, b.name, b.slug, b.created_at,
           case when app.has_role(b.id, array['owner']) then 'owner'
                when app.has_role(b.id, array['admin']) then 'admin'
                else 'member' end as role
    from public.businesses b
    where app.is_member(b.id)
    order by b.name, b.id
  `
}
