// The integrations function's routes: a signed-in user's businesses (later, their integrations).
import { asUser } from '../_shared/db/as-user.ts'
import { createApp } from '../_shared/http/app.ts'
import { requireUser } from '../_shared/http/auth.ts'
import { listCallerBusinesses } from '../_shared/tenancy/businesses.ts'

export const app = createApp('integrations')

app.get('/businesses', requireUser(), async (c) => {
  const businesses = await asUser(c.var.claims, listCallerBusinesses)
  return c.json({ businesses })
})
