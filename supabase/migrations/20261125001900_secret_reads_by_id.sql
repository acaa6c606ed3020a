-- Reading one secret must decrypt one secret. The read functions joined vault.decrypted_secrets,
-- and the planner evaluates that view's decryption in its scan of vault.secrets, before the
-- join: every read decrypted every secret in Vault (about 400 ms per read at 1,000
-- integrations, measured by the sync benchmark). Each function now finds the secret's id first
-- and reads the view by that id, an index lookup that decrypts a single row. Same signatures,
-- same callers (service_role only), same results.

create or replace function private.read_integration_tokens(p_integration_id uuid)
returns table (tokens jsonb, token_version bigint)
language sql stable security definer
set search_path = ''
as $$
  select (select d.decrypted_secret from vault.decrypted_secrets d where d.id = s.tokens_secret_id)::jsonb,
         s.token_version
  from private.integration_secrets s
  where s.integration_id = p_integration_id and s.tokens_secret_id is not null
$$;
comment on function private.read_integration_tokens(uuid) is
  'Service only: decrypts an integration''s token set (one Vault row) for a provider call. Never exposed to tenants.';

create or replace function private.read_integration_client(p_integration_id uuid)
returns table (client_id text, client_secret text)
language sql stable security definer
set search_path = ''
as $$
  select c.value ->> 'client_id', c.value ->> 'client_secret'
  from private.integration_secrets s
  cross join lateral (
    select (select d.decrypted_secret from vault.decrypted_secrets d where d.id = s.client_secret_id)::jsonb
  ) c (value)
  where s.integration_id = p_integration_id and s.client_secret_id is not null
$$;
comment on function private.read_integration_client(uuid) is
  'Service only: the tenant''s own client credentials (one Vault row), or no row (then the server''s env credentials apply).';

create or replace function private.read_webhook_secret(p_webhook_id uuid) returns text
language sql stable security definer
set search_path = ''
as $$
  select (select d.decrypted_secret from vault.decrypted_secrets d where d.id = w.secret_id)
  from private.alert_webhook_secrets w
  where w.webhook_id = p_webhook_id
$$;
comment on function private.read_webhook_secret(uuid) is
  'Service only: the signing secret (one Vault row), to sign a delivery.';
