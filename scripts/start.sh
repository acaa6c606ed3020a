#!/usr/bin/env bash
# npm start: set up what is missing, start the local stack (Postgres with migrations and demo
# data, the Salesforce sandbox as the default provider, the functions gateway, the pg_net
# worker), reuse whatever already runs, and print where everything is.
set -euo pipefail
source "$(dirname "$0")/local/env.sh"
bash "$ROOT/scripts/local/stack.sh" up
owner_jwt=$(deno run -A "$ROOT/scripts/local/mint-jwt.ts" --sub 00000000-0000-4000-8000-00000000d001 \
  --email owner@demo.test --expires-in 86400)

cat <<MSG

Demo users (supabase/seed.sql): owner@demo.test owns "Demo Co"; owner@other.test owns "Other Co".
A JWT for owner@demo.test, valid 24 h (more: npx deno run -A scripts/local/mint-jwt.ts --sub <uuid>):

  export TOKEN=$owner_jwt
  curl -s -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:$GATEWAY_PORT/functions/v1/integrations/businesses

The console, signed in as owner@demo.test (the token rides in the URL fragment, which the browser
never sends; the page keeps it for the tab and takes it out of the address bar):

  http://127.0.0.1:$GATEWAY_PORT/console/#access_token=$owner_jwt

The API: http://127.0.0.1:$GATEWAY_PORT/console/openapi.json (OpenAPI 3.1; client/ has the typed client)

Stop: npm run stack -- down    Status: npm run stack -- status    Wipe data: npm run stack -- reset
MSG
