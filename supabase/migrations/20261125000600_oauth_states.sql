-- OAuth state for the connect flow. The browser carries only a random state value; the row
-- here, keyed by the value's SHA-256, binds it to the user, business and integration that
-- started the flow, holds the PKCE verifier and the allowlisted redirect target, lives ten
-- minutes and can be consumed once. It sits in the private schema: no tenant can read a
-- verifier, and only the service creates or consumes states.

create table private.oauth_states (
  state_hash bytea primary key check (length(state_hash) = 32),
  user_id uuid not null references auth.users (id) on delete cascade,
  business_id uuid not null references public.businesses (id) on delete cascade,
  integration_id uuid not null references public.integrations (id) on delete cascade,
  code_verifier text not null check (code_verifier ~ '^[A-Za-z0-9._-]{43,128}$'),
  redirect_uri text not null,
  redirect_to text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '10 minutes',
  consumed_at timestamptz
);
comment on table private.oauth_states is
  'Pending OAuth authorizations, keyed by the hash of the state. Service only; verifiers never leave.';
create index oauth_states_user_idx on private.oauth_states (user_id);
create index oauth_states_business_idx on private.oauth_states (business_id);
create index oauth_states_integration_idx on private.oauth_states (integration_id);
create index oauth_states_expires_idx on private.oauth_states (expires_at);
revoke all on private.oauth_states from public, anon, authenticated;
grant select, insert, update, delete on private.oauth_states to service_role;

-- Consumes a state exactly once. The UPDATE takes the row lock, so of two racing callbacks
-- the second waits, then sees consumed_at set and gets no row. An expired state is consumed
-- too (it can never be retried) and comes back flagged so the callback can say why.
create or replace function private.consume_oauth_state(p_state_hash bytea)
returns table (
  user_id uuid, business_id uuid, integration_id uuid, code_verifier text, redirect_uri text,
  redirect_to text, expired boolean
)
language sql volatile security definer
set search_path = ''
as $$
  update private.oauth_states s
     set consumed_at = now()
   where s.state_hash = p_state_hash and s.consumed_at is null
  returning s.user_id, s.business_id, s.integration_id, s.code_verifier, s.redirect_uri,
            s.redirect_to, s.expires_at <= now()
$$;
comment on function private.consume_oauth_state(bytea) is
  'Service only: marks a state used and returns what it was bound to; no row if unknown or already used.';

-- Old states are of no use after they expire; the authorize path prunes them as it goes.
create or replace function private.prune_oauth_states() returns void
language sql volatile security definer
set search_path = ''
as $$
  delete from private.oauth_states where expires_at < now() - interval '1 day'
$$;
comment on function private.prune_oauth_states() is
  'Service only: removes states expired for over a day (kept a day to answer state_expired, not state_invalid).';

revoke all on function private.consume_oauth_state(bytea), private.prune_oauth_states()
  from public, anon, authenticated;
grant execute on function private.consume_oauth_state(bytea), private.prune_oauth_states()
  to service_role;
