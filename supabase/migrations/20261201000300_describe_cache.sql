-- The describe cache (issue 11): what a connected org exposes, kept per integration so listing
-- objects and fields, and validating a field mapping, costs no API call while the copy is fresh,
-- and a revalidation costs no body (If-Modified-Since → 304).
--
-- One row per (integration, scope): scope '*' is the object list (Salesforce's describe global),
-- any other scope an object's API name (its fields). It lives apart from
-- public.integration_objects, whose describe columns are dropped here: the object list has no
-- object, and caching an object's fields (listing them before enabling it is the point) would
-- otherwise create a configuration row for an object nobody configured.
--
-- Private and service only: a forged cache would make the mapping validation lie, and the
-- endpoints check the caller's access before the service reads or writes it.

create table private.describe_cache (
  integration_id uuid not null references public.integrations (id) on delete cascade,
  scope text not null check (scope = '*' or scope ~ '^[A-Za-z][A-Za-z0-9_]{0,79}$'),
  -- The provider's Last-Modified (sent back as If-Modified-Since) and ETag, when it gives them.
  last_modified timestamptz,
  etag text check (length(etag) <= 200),
  -- The provider's answer, normalised by its describe hook (objects or fields, provider-neutral).
  body jsonb not null check (jsonb_typeof(body) = 'object'),
  -- When the provider last confirmed the copy (a 200 or a 304): the freshness window starts here.
  fetched_at timestamptz not null default now(),
  primary key (integration_id, scope)
);
comment on table private.describe_cache is
  'Per integration: the provider''s object list (scope *) and each described object''s fields, with Last-Modified/ETag for revalidation. Service only.';

-- No policies: the private schema is not exposed and tenants have no grant. The service reads,
-- writes and refreshes copies; deleting the integration deletes its cache (the cascade).
revoke all on private.describe_cache from public, anon, authenticated;
grant select, insert, update, delete on private.describe_cache to service_role;

alter table public.integration_objects
  drop column describe_last_modified,
  drop column describe_etag,
  drop column describe_cache,
  drop column describe_fetched_at;
comment on table public.integration_objects is
  'Per integration and CRM object: enabled, field mapping, source-record opt-in. Owners/admins configure; members read.';
