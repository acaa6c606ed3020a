// What Pipedrive's data cannot say: the company host inside the token response's api_domain.
import { standardGrant } from '../../connections/oauth2.ts'
import { ProviderError } from '../../http/errors.ts'
import type { ProviderGrant, ProviderHooks, TokenResponse, TokenResponseContext } from '../types.ts'

const companyHost = /^([a-z0-9][a-z0-9-]{0,62})\.pipedrive\.com$/

/**
 * The standard grant, plus `company_domain` from `api_domain` (`https://acme.pipedrive.com` →
 * `acme`). A refresh answer without api_domain keeps the company already stored.
 *
 * @throws {ProviderError} `token_response_invalid` when a code exchange names no Pipedrive
 *   host: we would not know where to send the token, and will not send it elsewhere.
 */
function pipedriveGrant(response: TokenResponse, context: TokenResponseContext): ProviderGrant {
  const grant = standardGrant(response, context)
  const apiDomain = grant.metadata.api_domain
  let company: string | undefined
  try {
    const url = apiDomain ? new URL(apiDomain) : undefined
    if (url?.protocol === 'https:') company = companyHost.exec(url.hostname)?.[1]
  } catch {
    company = undefined
  }
  if (company) return { ...grant, metadata: { ...grant.metadata, company_domain: company } }
  if (context.previous) return { ...grant, metadata: {} }
  throw new ProviderError('Pipedrive answered without a pipedrive.com api_domain', {
    code: 'token_response_invalid',
  })
}

export const pipedriveHooks: ProviderHooks = {
  readTokenResponse: (response, context) =>
    Promise.resolve().then(() => pipedriveGrant(response, context)),
}
