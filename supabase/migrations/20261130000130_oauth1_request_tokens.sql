-- OAuth 1.0a (Trello) connects through the same pending-authorization rows as OAuth 2. The
-- provider hands back its request token on the callback instead of our state, so an OAuth 1.0a
-- row is keyed by the SHA-256 of the request token (state_hash: the key is never stored in
-- clear), and it keeps the request token secret that signs the access-token exchange. That
-- secret lives only here, in the private schema no tenant can read (as the PKCE verifier does),
-- and is never put in a URL or a response.

alter table private.oauth_states
  add column request_token_secret text
    check (request_token_secret is null or length(request_token_secret) between 1 and 512);
comment on column private.oauth_states.request_token_secret is
  'OAuth 1.0a only: the request token secret that signs the access-token exchange. Service only.';
