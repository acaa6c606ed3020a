// A world for the contacts function's end-to-end tests: the in-process gateway, a Salesforce
// sandbox org connected to Acme's integration, a campaign, and an outsider who belongs to another
// business. Built on the shared gateway, database and sandbox helpers; removed after each test.
// Tests call the function through supabase-js (`functions.invoke`), as a frontend does.
import { startTestGateway, type TestGateway } from './gateway.ts'
import { createIntegration, storeConnection } from './integrations.ts'
import { captureLogs } from './logs.ts'
import {
  type AppInfo,
  type CreatedOrg,
  createOrg,
  loginForTokens,
  type RunningSandbox,
  salesforceEnv,
  startSandbox,
} from './salesforce-sandbox.ts'
import { invoke, type InvokeOptions, supabaseClient } from './supabase-client.ts'
import {
  type AdminSql,
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from './test-db.ts'

export interface ContactsWorld {
  sql: AdminSql
  gateway: TestGateway
  sandbox: RunningSandbox
  org: CreatedOrg & { app: AppInfo }
  /** Acme's owner, and a token for them. */
  ownerId: string
  ownerToken: string
  businessId: string
  integrationId: string
  campaignId: string
  /** A user who owns another business (with its own integration and campaign), not Acme. */
  outsiderId: string
  outsiderToken: string
  otherBusinessId: string
  otherIntegrationId: string
  otherCampaignId: string
  /**
   * `functions.invoke('contacts<path>')` with supabase-js signed in with `token` (undefined: an
   * anonymous client); the answer as a Response whatever its status.
   */
  call(path: string, init?: InvokeOptions & { token?: string }): Promise<Response>
  /** POST /contacts/import as `token` (the owner's by default). */
  importIds(body: Record<string, unknown>, token?: string): Promise<Response>
  /** Salesforce query calls (first pages and queryMore) on Acme's org since `sinceSeq`. */
  queryCalls(sinceSeq: number): number
}

export interface WorldOptions {
  /** Contacts the sandbox seeds in Acme's org. */
  contacts?: number
  /** More environment for the functions (e.g. rate limits). */
  env?: Record<string, string>
}

/** Inserts a campaign of a business; returns its id. */
export async function createCampaign(
  sql: AdminSql,
  businessId: string,
  createdBy: string,
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into public.campaigns (business_id, name, created_by)
    values (${businessId}, ${`Campaign ${crypto.randomUUID().slice(0, 8)}`}, ${createdBy})
    returning id`
  return row.id
}

/** Builds the world, runs `run`, and removes everything it made, whatever happens. */
export async function withContactsWorld(
  options: WorldOptions,
  run: (world: ContactsWorld) => Promise<void>,
): Promise<void> {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const logs = captureLogs()
  const sandbox = await startSandbox()
  const tag = crypto.randomUUID().slice(0, 8)
  const userIds: string[] = []
  const businessIds: string[] = []
  let gateway: TestGateway | undefined
  try {
    const org = createOrg(sandbox, { contacts: options.contacts ?? 5 })
    const otherOrg = createOrg(sandbox, { contacts: 3 })
    const ownerId = await createUser(sql, `owner-${tag}@example.test`)
    const outsiderId = await createUser(sql, `outsider-${tag}@example.test`)
    userIds.push(ownerId, outsiderId)
    const businessId = await createBusiness(sql, { name: `Acme ${tag}`, ownerId })
    const otherBusinessId = await createBusiness(sql, { name: `Other ${tag}`, ownerId: outsiderId })
    businessIds.push(businessId, otherBusinessId)
    const integrationId = await createIntegration(sql, { businessId, createdBy: ownerId })
    const otherIntegrationId = await createIntegration(sql, {
      businessId: otherBusinessId,
      createdBy: outsiderId,
    })
    await storeConnection(sql, integrationId, await loginForTokens(org))
    await storeConnection(sql, otherIntegrationId, await loginForTokens(otherOrg))
    const campaignId = await createCampaign(sql, businessId, ownerId)
    const otherCampaignId = await createCampaign(sql, otherBusinessId, outsiderId)
    gateway = await startTestGateway({
      dbUrl,
      env: { ...salesforceEnv(sandbox, org.app), ...options.env },
    })
    const gw = gateway
    const call: ContactsWorld['call'] = (path, { token, ...init } = {}) =>
      invoke(supabaseClient(gw.url, token), `contacts${path}`, init)
    const ownerToken = await gw.mint({ sub: ownerId })
    await run({
      sql,
      gateway: gw,
      sandbox,
      org,
      ownerId,
      ownerToken,
      businessId,
      integrationId,
      campaignId,
      outsiderId,
      outsiderToken: await gw.mint({ sub: outsiderId }),
      otherBusinessId,
      otherIntegrationId,
      otherCampaignId,
      call,
      importIds: (body, token = ownerToken) => call('/import', { method: 'POST', token, body }),
      queryCalls: (sinceSeq) =>
        sandbox.control.requests({ orgId: org.orgId, sinceSeq }).filter((entry) =>
          entry.endpoint === 'query' || entry.endpoint === 'queryMore'
        ).length,
    })
  } catch (error) {
    // The functions' own error lines say why a request failed; show them with the failure.
    for (const line of logs.lines) if (line.includes('"level":"error"')) console.error(line)
    throw error
  } finally {
    await gateway?.close()
    await sql`delete from private.rate_limits where user_id = any(${userIds})`
    await deleteFixtures(sql, { businessIds, userIds })
    await sql.end()
    await sandbox.close()
    logs.restore()
  }
}

/** The JSON body of a response, after checking its status (the body is shown when it differs). */
export async function expectJson<T = Record<string, unknown>>(
  response: Response,
  status: number,
): Promise<T> {
  const body = await response.json()
  if (response.status !== status) {
    throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(body)}`)
  }
  return body as T
}
