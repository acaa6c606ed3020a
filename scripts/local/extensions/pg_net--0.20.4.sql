-- Local stand-in for pg_net 0.20.4: the same functions and tables in schema net. A row in the
-- queue becomes visible only when the calling transaction commits, so, as with the real worker,
-- a rolled-back transaction sends nothing. net.wake() notifies the local worker.
\echo Use "CREATE EXTENSION pg_net" to load this file. \quit

create schema if not exists net;

create domain net.http_method as text check (value ilike 'get' or value ilike 'post' or value ilike 'delete');

create unlogged table net.http_request_queue (
  id bigserial not null,
  method net.http_method not null,
  url text not null,
  headers jsonb not null,
  body bytea,
  timeout_milliseconds integer not null
);

create unlogged table net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamptz not null default now()
);
create index _http_response_created_idx on net._http_response (created);

create function net.wake() returns void
language sql security invoker set search_path = '' as $$ select pg_catalog.pg_notify('pg_net_wake', '') $$;

create function net._encode_url_with_params_array(url text, params_array text[]) returns text
language sql immutable set search_path = '' as $$
  select case when coalesce(array_length(params_array, 1), 0) = 0 then url
    else url || case when url like '%?%' then '&' else '?' end || array_to_string(params_array, '&') end
$$;

create function net._params(params jsonb) returns text[]
language sql immutable set search_path = '' as $$
  select coalesce(array_agg(pg_catalog.format('%s=%s', key, value)), '{}')
  from jsonb_each_text(coalesce(params, '{}'::jsonb))
$$;

create function net.http_get(
  url text, params jsonb default '{}'::jsonb, headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000
) returns bigint
language plpgsql volatile security invoker set search_path = '' as $$
declare
  request_id bigint;
begin
  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values ('GET', net._encode_url_with_params_array(url, net._params(params)), headers, timeout_milliseconds)
  returning id into request_id;
  perform net.wake();
  return request_id;
end
$$;

create function net.http_post(
  url text, body jsonb default '{}'::jsonb, params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  timeout_milliseconds integer default 5000
) returns bigint
language plpgsql volatile security invoker set search_path = '' as $$
declare
  request_id bigint;
  content_type text;
begin
  select value into content_type from jsonb_each_text(coalesce(headers, '{}'::jsonb))
   where lower(key) = 'content-type';
  if content_type is null then
    headers := coalesce(headers, '{}'::jsonb) || '{"Content-Type": "application/json"}'::jsonb;
  elsif content_type not ilike 'application/json%' then
    raise exception 'Content-Type header must be "application/json"';
  end if;
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('POST', net._encode_url_with_params_array(url, net._params(params)), headers,
          convert_to(coalesce(body, '{}'::jsonb)::text, 'UTF8'), timeout_milliseconds)
  returning id into request_id;
  perform net.wake();
  return request_id;
end
$$;

create function net.http_delete(
  url text, params jsonb default '{}'::jsonb, headers jsonb default '{}'::jsonb,
  timeout_milliseconds integer default 5000, body jsonb default null
) returns bigint
language plpgsql volatile security invoker set search_path = '' as $$
declare
  request_id bigint;
begin
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('DELETE', net._encode_url_with_params_array(url, net._params(params)), headers,
          case when body is null then null else convert_to(body::text, 'UTF8') end, timeout_milliseconds)
  returning id into request_id;
  perform net.wake();
  return request_id;
end
$$;

-- pg_net >= 0.12 grants its functions and tables to PUBLIC (SECURITY INVOKER).
grant usage on schema net to public;
grant all on net.http_request_queue, net._http_response to public;
grant usage on sequence net.http_request_queue_id_seq to public;
