// A world for the proxy's end-to-end tests: the in-process gateway, Acme's integrations of three
// providers (Salesforce on its sandbox; GitHub and Zendesk on the provider simulator), a member
// of Acme besides its owner, and an outsider who owns another business with its own GitHub
// integration. Tokens are issued by the sandbox and the simulator as a connect flow would have
// stored them. Everything is removed after each test.
import { startTestGateway, type TestGateway } from './gateway.ts'
import { createIntegration, storeConnection } from './integrations.ts'
import { captureLogs } from './logs.ts'
import { type RunningProviderSimulator, startSimulator } from './provider-simulator.ts'
import {
  type AppInfo,
  type CreatedOrg,
  createOrg,
  loginForTokens,
  type RunningSandbox,
  salesforceEnv,
  startSandbox,
} from './salesforce-sandbox.ts'
import {
  addMember,
  type AdminSql,
  adminSql,
  createBusiness,
  createUser,
  deleteFixtures,
  requireTestDbUrl,
} from './test-db.ts'

/** The simulator providers the world connects, and the account each connects to. */
const simulated = {
  github: { account: 'acme', config: {} },
  zendesk: { account: 'acme', config: { subdomain: 'acme' } },
} as const
export type SimulatedProvider = keyof typeof simulated

export interface ProxyWorld {
  sql: AdminSql
  gateway: TestGateway
  sandbox: RunningSandbox
  sim: RunningProviderSimulator
  org: CreatedOrg & { app: AppInfo }
  businessId: string
  ownerId: string
  ownerToken: string
  memberId: string
  memberToken: string
  outsiderToken: string
  /** Acme's integrations by provider. */
  integrations: Record<'salesforce' | SimulatedProvider, string>
  /** The outsider's business's GitHub integration. */
  otherIntegrationId: string
  /** `METHOD /functions/v1/proxy/<integrationId><path>` as `token` (the owner's by default). */
  proxy(
    integrationId: string,
    path: string,
    init?: RequestInit & { token?: string },
  ): Promise<Response>
}

export interface ProxyWorldOptions {
  /** More environment for the functions (e.g. the proxy's limits). */
  env?: Record<string, string>
}

/** Inserts an active integration of a simulator provider holding `tokens`; returns its id. */
async function connectSimulated(
  sql: AdminSql,
  sim: RunningProviderSimulator,
  provider: SimulatedProvider,
  { businessId, createdBy, clientId }: { businessId: string; createdBy: string; clientId: string },
): Promise<string> {
  const { account, config } = simulated[provider]
  // Zendesk issues a refresh token (and an expiring access token) only when asked for a lifetime.
  const issued = sim.control.issueTokens(provider, account, {
    clientId,
    tokenParams: provider === 'zendesk' ? { expires_in: '1800' } : {},
  })
  const [row] = await sql<{ id: string }[]>`
    insert into public.integrations
      (business_id, provider, name, created_by, connection_config, status, connected_at)
    values (${businessId}, ${provider}, ${`${provider} ${crypto.randomUUID().slice(0, 8)}`},
            ${createdBy}, ${sql.json(config)}, 'active', now())
    returning id`
  const tokens = {
    access_token: issued.accessToken,
    ...(issued.refreshToken ? { refresh_token: issued.refreshToken } : {}),
    ...(issued.expiresIn ? { expires_at: Date.now() + issued.expiresIn * 1000 } : {}),
  }
  await sql`select private.save_integration_tokens(${row.id}, ${sql.json(tokens)})`
  return row.id
}

/** Builds the world, runs `run`, and removes everything it made, whatever happens. */
export async function withProxyWorld(
  options: ProxyWorldOptions,
  run: (world: ProxyWorld) => Promise<void>,
): Promise<void> {
  const dbUrl = requireTestDbUrl()
  const sql = adminSql(dbUrl)
  const logs = captureLogs()
  const sandbox = await startSandbox()
  const sim = await startSimulator()
  const tag = crypto.randomUUID().slice(0, 8)
  const userIds: string[] = []
  const businessIds: string[] = []
  let gateway: TestGateway | undefined
  try {
    const org = createOrg(sandbox, { contacts: 3 })
    const ownerId = await createUser(sql, `owner-${tag}@example.test`)
    const memberId = await createUser(sql, `member-${tag}@example.test`)
    const outsiderId = await createUser(sql, `outsider-${tag}@example.test`)
    userIds.push(ownerId, memberId, outsiderId)
    const businessId = await createBusiness(sql, { name: `Acme ${tag}`, ownerId })
    const otherBusinessId = await createBusiness(sql, { name: `Other ${tag}`, ownerId: outsiderId })
    businessIds.push(businessId, otherBusinessId)
    await addMember(sql, businessId, memberId, 'member')

    const salesforce = await createIntegration(sql, { businessId, createdBy: ownerId })
    await storeConnection(sql, salesforce, await loginForTokens(org))
    const clients = {
      github: sim.control.registerClient('github', { redirectUris: [] }),
      zendesk: sim.control.registerClient('zendesk', { redirectUris: [] }),
    }
    const connect = (provider: SimulatedProvider, owner: string, business: string) =>
      connectSimulated(sql, sim, provider, {
        businessId: business,
        createdBy: owner,
        clientId: clients[provider].clientId,
      })
    const integrations = {
      salesforce,
      github: await connect('github', ownerId, businessId),
      zendesk: await connect('zendesk', ownerId, businessId),
    }
    const otherIntegrationId = await connect('github', outsiderId, otherBusinessId)

    gateway = await startTestGateway({
      dbUrl,
      env: {
        ...salesforceEnv(sandbox, org.app),
        PROVIDER_SIMULATOR_URL: sim.url,
        GITHUB_CLIENT_ID: clients.github.clientId,
        GITHUB_CLIENT_SECRET: clients.github.clientSecret,
        ZENDESK_CLIENT_ID: clients.zendesk.clientId,
        ZENDESK_CLIENT_SECRET: clients.zendesk.clientSecret,
        ...options.env,
      },
    })
    const gw = gateway
    const ownerToken = await gw.mint({ sub: ownerId })
    await run({
      sql,
      gateway: gw,
      sandbox,
      sim,
      org,
      businessId,
      ownerId,
      ownerToken,
      memberId,
      memberToken: await gw.mint({ sub: memberId }),
      outsiderToken: await gw.mint({ sub: outsiderId }),
      integrations,
      otherIntegrationId,
      proxy: (integrationId, path, { token = ownerToken, ...init } = {}) =>
        gw.request(`/functions/v1/proxy/${integrationId}${path}`, { ...init, token }),
    })
  } catch (error) {
    for (const line of logs.lines) if (line.includes('"level":"error"')) console.error(line)
    throw error
  } finally {
    await gateway?.close()
    await sql`delete from private.rate_limits where user_id = any(${[...userIds, ...businessIds]})`
    await deleteFixtures(sql, { businessIds, userIds })
    await sql.end()
    await sim.close()
    await sandbox.close()
    logs.restore()
  }
}
