-- Local stand-in for supabase_vault 0.3.1: the SQL API of the real extension (vault.secrets,
-- vault.decrypted_secrets, vault.create_secret, vault.update_secret) so that migrations written
-- for hosted Supabase run unchanged. Ciphertext is pgcrypto's PGP symmetric encryption with a
-- per-database root key held in vault._root_key, which no role but the extension owner can read
-- (the real root key lives outside SQL; this is the closest a pure-SQL stand-in gets).
\echo Use "CREATE EXTENSION supabase_vault" to load this file. \quit

create table vault._root_key (
  id int primary key default 1 check (id = 1),
  key bytea not null default extensions.gen_random_bytes(32)
);
insert into vault._root_key default values;
revoke all on vault._root_key from public;

create table vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea default extensions.gen_random_bytes(16),
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz not null default current_timestamp
);
create unique index secrets_name_idx on vault.secrets (name) where name is not null;
comment on table vault.secrets is 'Table with encrypted `secret` column for storing sensitive information on disk.';

-- The real extension's AEAD primitives take the row id as associated data; here the row id and
-- nonce are folded into the passphrase so a ciphertext moved to another row does not decrypt.
create function vault._crypto_aead_det_encrypt(
  message bytea, additional bytea, key_id bigint, context bytea = 'pgsodium', nonce bytea = null
) returns bytea
language sql security definer set search_path = '' as $$
  select extensions.pgp_sym_encrypt_bytea(
    message,
    encode((select k.key from vault._root_key k) || additional || coalesce(nonce, ''::bytea), 'hex'),
    'cipher-algo=aes256'
  )
$$;

create function vault._crypto_aead_det_decrypt(
  message bytea, additional bytea, key_id bigint, context bytea = 'pgsodium', nonce bytea = null
) returns bytea
language sql security definer set search_path = '' as $$
  select extensions.pgp_sym_decrypt_bytea(
    message,
    encode((select k.key from vault._root_key k) || additional || coalesce(nonce, ''::bytea), 'hex')
  )
$$;

create function vault._crypto_aead_det_noncegen() returns bytea
language sql volatile set search_path = '' as $$ select extensions.gen_random_bytes(16) $$;

create view vault.decrypted_secrets as
select
  s.id,
  s.name,
  s.description,
  s.secret,
  case when s.secret is null then null else convert_from(
    vault._crypto_aead_det_decrypt(
      decode(s.secret, 'base64'), convert_to(s.id::text, 'utf8'), 0, 'pgsodium', s.nonce
    ),
    'utf8'
  ) end as decrypted_secret,
  s.key_id,
  s.nonce,
  s.created_at,
  s.updated_at
from vault.secrets s;

create function vault.create_secret(
  new_secret text, new_name text = null, new_description text = '', new_key_id uuid = null
) returns uuid
language plpgsql security definer set search_path = '' as $$
declare
  rec record;
begin
  insert into vault.secrets (secret, name, description)
  values (new_secret, new_name, new_description)
  returning * into rec;
  update vault.secrets s
     set secret = encode(vault._crypto_aead_det_encrypt(
       convert_to(rec.secret, 'utf8'), convert_to(rec.id::text, 'utf8'), 0, 'pgsodium', rec.nonce
     ), 'base64')
   where s.id = rec.id;
  return rec.id;
end
$$;

create function vault.update_secret(
  secret_id uuid, new_secret text = null, new_name text = null, new_description text = null,
  new_key_id uuid = null
) returns void
language plpgsql security definer set search_path = '' as $$
declare
  decrypted record;
begin
  select * into decrypted from vault.decrypted_secrets s where s.id = secret_id;
  update vault.secrets s
     set secret = encode(vault._crypto_aead_det_encrypt(
           convert_to(coalesce(new_secret, decrypted.decrypted_secret), 'utf8'),
           convert_to(s.id::text, 'utf8'), 0, 'pgsodium', s.nonce
         ), 'base64'),
         name = coalesce(new_name, s.name),
         description = coalesce(new_description, s.description),
         updated_at = now()
   where s.id = secret_id;
end
$$;

select pg_catalog.pg_extension_config_dump('vault.secrets', '');

revoke all on function vault._crypto_aead_det_encrypt(bytea, bytea, bigint, bytea, bytea) from public;
revoke all on function vault._crypto_aead_det_decrypt(bytea, bytea, bigint, bytea, bytea) from public;
revoke all on function vault._crypto_aead_det_noncegen() from public;
revoke all on function vault.create_secret(text, text, text, uuid) from public;
revoke all on function vault.update_secret(uuid, text, text, text, uuid) from public;
revoke all on vault.secrets, vault.decrypted_secrets from public;
