// The consent step shared by OAuth 2.0 and 1.0a: which accounts may be connected from this host,
// the page (or automatic approval), and what Allow and Deny redirect to.

import type { Routed, SimContext } from './context.ts'
import { accountParam, readBody, redirect } from './http.ts'
import { consentPage, errorPage } from './pages.ts'
import type { Account, Client, PendingAuthorization } from './world.ts'

/**
 * The accounts a person can connect on this host: the one its subdomain/tenant names, or every
 * account of the provider. Undefined when the host names an account that does not exist.
 */
export function eligibleAccounts(ctx: SimContext, routed: Routed): Account[] | undefined {
  const key = accountParam(routed.params)
  const all = ctx.world.accountsOf(routed.provider.id)
  if (key === null) return all
  const one = all.find((a) => a.key === key)
  return one ? [one] : undefined
}

function pick(accounts: Account[], hint: string | null): Account | undefined {
  if (hint) {
    const h = hint.toLowerCase()
    const found = accounts.find((a) => a.key === h || a.userEmail.toLowerCase() === h)
    if (found) return found
  }
  return accounts[0]
}

/** Shows the consent page, or approves at once when the client or simulator auto-approves. */
export function startConsent(
  ctx: SimContext,
  routed: Routed,
  pending: Omit<PendingAuthorization, 'id'>,
  client: Client,
  hint: string | null,
): Response {
  const accounts = eligibleAccounts(ctx, routed)
  const name = routed.provider.displayName
  if (!accounts) return errorPage(name, `No ${name} account at ${routed.realUrl.host}.`, 404)
  if (accounts.length === 0) return errorPage(name, `The ${name} simulator has no accounts.`, 404)
  const entry: PendingAuthorization = { ...pending, id: ctx.world.secret('req_', 20) }
  if (client.autoApprove ?? ctx.options.autoApprove) {
    return decide(ctx, routed, entry, pick(accounts, hint)!, true)
  }
  ctx.world.pending.set(entry.id, entry)
  return consentPage({
    requestId: entry.id,
    providerName: name,
    clientId: client.clientId,
    accounts: accounts.map((a) => [a.key, `${a.name} (${a.userEmail})`]),
    selected: pick(accounts, hint)?.key ?? null,
    scopes: [...pending.scopes, ...pending.userScopes],
    action: routed.ownUrl.pathname,
  })
}

/** The consent form's POST: `request_id`, `account`, `decision=allow|deny`. */
export async function submitConsent(ctx: SimContext, routed: Routed, req: Request) {
  const form = (await readBody(req)).params
  const name = routed.provider.displayName
  const pending = ctx.world.pending.get(form.get('request_id') ?? '')
  if (!pending || pending.provider !== routed.provider.id) {
    return errorPage(name, 'This authorization request has expired or was already answered.')
  }
  ctx.world.pending.delete(pending.id)
  const accounts = eligibleAccounts(ctx, routed) ?? []
  const account = accounts.find((a) => a.key === form.get('account')) ?? accounts[0]
  if (!account) return errorPage(name, 'No account to connect.', 404)
  return decide(ctx, routed, pending, account, form.get('decision') === 'allow')
}

function decide(
  ctx: SimContext,
  routed: Routed,
  pending: PendingAuthorization,
  account: Account,
  allow: boolean,
): Response {
  routed.note.account = account.key
  if (pending.requestToken !== undefined) {
    // OAuth 1.0a: the verifier rides back with the request token.
    const rt = ctx.world.requestTokens.get(pending.requestToken)
    if (!rt) return errorPage(routed.provider.displayName, 'Unknown request token.')
    if (!allow) return redirect(rt.callback, { oauth_problem: 'user_refused' })
    rt.accountKey = account.key
    rt.verifier = ctx.world.secret('', 32)
    return redirect(rt.callback, { oauth_token: pending.requestToken, oauth_verifier: rt.verifier })
  }
  if (!allow) {
    return redirect(pending.redirectUri, {
      error: 'access_denied',
      error_description: 'The user denied access.',
      state: pending.state,
    })
  }
  const code = ctx.world.secret('', 40)
  ctx.world.codes.set(code, {
    clientId: pending.clientId,
    accountKey: account.key,
    redirectUri: pending.params.redirect_uri ?? null,
    challenge: pending.challenge,
    challengeMethod: pending.challengeMethod,
    scopes: pending.scopes,
    userScopes: pending.userScopes,
    authorizeParams: pending.params,
    expiresAt: ctx.now() + ctx.options.codeTtlSeconds * 1000,
    used: false,
    grantId: null,
  })
  return redirect(pending.redirectUri, { code, state: pending.state })
}
