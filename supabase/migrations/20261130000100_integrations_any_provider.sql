-- The provider platform (issue 10): integrations.provider names any provider of the functions'
-- registry. The registry is code (a spec per provider, parsed at boot), so the database no
-- longer lists providers: adding one must not need a migration that edits a check constraint.
-- What the database still guarantees is the shape of an id (lowercase letters, digits, `_`,
-- `-`), so a provider id is always safe in a URL path and a log line; whether the id is one we
-- support is checked by the functions, which are the only writers that connect anything.

alter table public.integrations drop constraint integrations_provider_check;
alter table public.integrations add constraint integrations_provider_format
  check (provider ~ '^[a-z0-9_-]{1,40}$');
comment on column public.integrations.provider is
  'A provider id of the functions'' registry (salesforce, hubspot, ...). The functions check it is one they support.';
