-- Completion tickets: the authorization code is redeemed only for the user who started the flow.
-- The callback is reached without a JWT, so a state tells us which flow came back but not who
-- approved: an authorization URL sent to someone else's Salesforce user would connect their org
-- to the sender's integration (consent phishing). So the callback no longer exchanges the code.
-- It seals the code under a fresh one-time ticket (AES-GCM, key derived from the ticket; only
-- the ticket's SHA-256 is kept here) and sends the ticket to the app page; the app posts the
-- ticket with the signed-in user's JWT, and the code is exchanged only when that user is the one
-- bound to the state. A row continues one consumed private.oauth_states row (user, business,
-- integration, PKCE verifier) and keeps the single outcome every later attempt is answered with.
-- Private and service only, like the states: no tenant ever reads a ticket hash or a sealed code.

create table private.oauth_completions (
  ticket_hash bytea primary key check (length(ticket_hash) = 32),
  -- One completion per callback; forgetting the state (disconnect, prune) forgets it too.
  state_hash bytea not null unique
    references private.oauth_states (state_hash) on delete cascade,
  -- Nonce (12 bytes), ciphertext, tag (16 bytes); gone once the outcome is known.
  sealed_code bytea check (length(sealed_code) between 29 and 4200),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '10 minutes',
  -- connected, or the error code the app was told (token_exchange_failed, state_expired, ...).
  outcome text check (outcome ~ '^[a-z_]{1,64}$'),
  settled_by uuid references auth.users (id) on delete set null,
  settled_at timestamptz,
  constraint oauth_completions_settled_once check (
    (outcome is null and settled_at is null and sealed_code is not null)
    or (outcome is not null and settled_at is not null and sealed_code is null)
  )
);
comment on table private.oauth_completions is
  'Callbacks waiting for their initiator, keyed by the hash of the ticket the app got; the code is sealed under that ticket. Service only.';
-- Deleting a user sets settled_by to null: that lookup uses this index, as every foreign key
-- of oauth_states has one.
create index oauth_completions_settled_by_idx on private.oauth_completions (settled_by);
comment on column private.oauth_completions.sealed_code is
  'The authorization code, AES-GCM under a key derived from the ticket; unreadable without the ticket, cleared when settled.';

-- No policies: the private schema is not exposed and tenants have no grant at all. The service
-- records a callback (insert), finds and locks it by ticket (select), and settles it once
-- (update). It never deletes one directly: completions go with their state (disconnect forgets
-- pending states; prune_oauth_states drops old ones), through the cascade above.
revoke all on private.oauth_completions from public, anon, authenticated;
grant select, insert, update on private.oauth_completions to service_role;
