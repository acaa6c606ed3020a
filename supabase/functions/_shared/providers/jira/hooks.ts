// What Atlassian's data cannot say: which site (cloudId) and account the grant reaches, from
// the accessible-resources and /me lookups after connecting.
import { ProviderError } from '../../http/errors.ts'
import { identityJson } from '../hook-responses.ts'
import type { ProviderHooks } from '../types.ts'

interface AccessibleResource {
  id?: unknown
  url?: unknown
}

export const jiraHooks: ProviderHooks = {
  /**
   * `GET /oauth/token/accessible-resources` → the site's `cloudId` (the one at the configured
   * subdomain, else the first); `GET /me` → `accountId`.
   *
   * @throws {ProviderError} `post_connect_failed` when the grant reaches no (matching) site.
   */
  async postConnect(context) {
    const resources = await identityJson(
      await context.fetch(new Request(`${context.apiBaseUrl}/oauth/token/accessible-resources`)),
      'Atlassian',
    )
    const sites = (Array.isArray(resources) ? resources : []) as AccessibleResource[]
    const wanted = context.config.subdomain
    const site = sites.find((each) => {
      if (typeof each.id !== 'string') return false
      if (!wanted) return true
      try {
        return new URL(String(each.url)).hostname === `${wanted}.atlassian.net`
      } catch {
        return false
      }
    })
    if (!site) {
      throw new ProviderError('The Atlassian grant reaches no Jira site we were asked for', {
        code: 'post_connect_failed',
      })
    }
    const me = await identityJson(
      await context.fetch(new Request(`${context.apiBaseUrl}/me`)),
      'Atlassian',
    ) as { account_id?: unknown }
    return {
      cloudId: site.id as string,
      ...(typeof site.url === 'string' ? { siteUrl: site.url } : {}),
      ...(typeof me.account_id === 'string' ? { accountId: me.account_id } : {}),
    }
  },
}
