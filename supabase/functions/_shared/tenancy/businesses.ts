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
 * The businesses the caller belongs to, ordered by name. RLS on businesses and team_members
 * decides visibility; the join on auth.uid() only adds the caller's role, so `tx` must come from
 * `asUser`.
 */
export async function listCallerBusinesses(tx: Tx): Promise<CallerBusiness[]> {
  return await tx<CallerBusiness[]>`
    select b.id, b.name, b.slug, m.role, b.created_at
    from public.businesses b
    join public.team_members m on m.business_id = b.id and m.user_id = (select auth.uid())
    order by b.name, b.id
  `
}
