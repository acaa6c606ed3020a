-- Bootstrap for the local stack: what Supabase's platform provides before any project
-- migration runs, and Debian's PostgreSQL lacks. Run once per cluster as the superuser
-- (supabase_admin, as on the platform) against the `postgres` database. Idempotent.
-- Facts: shared/facts/supabase.md ("Roles and grants", "auth schema") and supabase-detail.md §1-2.

\set ON_ERROR_STOP on

-- Roles, with the attributes they end up with on the platform.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin inherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin inherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin inherit bypassrls;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'supabase_auth_admin') then
    create role supabase_auth_admin nologin noinherit;
  end if;
  -- Hosted `postgres` is not a superuser but bypasses RLS: migrations that need a superuser
  -- fail here as they would on `supabase db push`.
  if not exists (select 1 from pg_roles where rolname = 'postgres') then
    create role postgres login;
  end if;
end
$$;
alter role postgres nosuperuser createdb createrole replication bypassrls;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
alter role postgres set search_path = "$user", public, extensions;

-- The application database belongs to postgres, as on the platform, so migrations run as it.
alter database postgres owner to postgres;
alter schema public owner to postgres;
grant usage on schema public to anon, authenticated, service_role;
-- Today's platform default: new objects in public are granted to the API roles. Our
-- migrations revoke and grant explicitly, so they behave the same under either default.
alter default privileges for role postgres in schema public
  grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to anon, authenticated, service_role;

-- Schemas the lints treat as exposed through the Data API (PostgREST's db_schemas).
alter database postgres set pgrst.db_schemas = 'public, graphql_public';

-- Extensions live in their own schema.
create schema if not exists extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
grant all on schema extensions to postgres;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
-- `supabase db lint` runs plpgsql_check, which only a superuser may create.
create extension if not exists plpgsql_check with schema extensions;

-- Platform extensions. On Supabase, Vault is on by default and pg_cron / pg_net are created
-- by the project's migrations through supautils; here the superuser creates them first, so
-- the migrations' `create extension if not exists` finds them and runs unchanged.
create extension if not exists supabase_vault;
grant usage on schema vault to postgres, service_role;
grant select, delete on vault.secrets, vault.decrypted_secrets to postgres with grant option;
grant select, delete on vault.secrets, vault.decrypted_secrets to service_role;
grant execute on function vault.create_secret(text, text, text, uuid),
  vault.update_secret(uuid, text, text, text, uuid),
  vault._crypto_aead_det_decrypt(bytea, bytea, bigint, bytea, bytea)
  to postgres with grant option;
grant execute on function vault.create_secret(text, text, text, uuid),
  vault.update_secret(uuid, text, text, text, uuid),
  vault._crypto_aead_det_decrypt(bytea, bytea, bigint, bytea, bytea)
  to service_role;

create extension if not exists pg_net with schema extensions;
-- What Supabase's `issue_pg_net_access` event trigger adds when pg_net is created, run as
-- supabase_admin (so the project's `postgres` role, which owns neither the objects nor these
-- grants, cannot revoke them): usage on schema net for the API roles. The extension script
-- itself grants its functions and tables to PUBLIC, as pg_net >= 0.12 does.
grant usage on schema net to postgres, anon, authenticated, service_role;

create extension if not exists pg_cron with schema pg_catalog;
grant usage on schema cron to postgres;
grant select on cron.job, cron.job_run_details to postgres;
grant execute on all functions in schema cron to postgres;

-- The auth schema: the parts of GoTrue's schema that apps and policies reference.
create schema if not exists auth authorization supabase_auth_admin;
grant usage on schema auth to anon, authenticated, service_role, postgres;

create table if not exists auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  phone text unique,
  phone_confirmed_at timestamptz,
  banned_until timestamptz,
  deleted_at timestamptz,
  is_sso_user boolean not null default false,
  is_anonymous boolean not null default false
);
create unique index if not exists users_email_partial_key on auth.users (email)
  where is_sso_user = false;
alter table auth.users owner to supabase_auth_admin;
alter table auth.users enable row level security;
grant all on auth.users to postgres;

-- auth.uid()/role()/email()/jwt(): GoTrue's definitions, reading the legacy per-claim GUC
-- first and the JSON claims that PostgREST sets second.
create or replace function auth.uid() returns uuid
language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text
language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

create or replace function auth.jwt() returns jsonb
language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.email() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;
grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
  to anon, authenticated, service_role, postgres;
