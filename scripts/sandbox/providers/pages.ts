// The HTML a person sees: the consent page (pick an account, Allow or Deny) and the error page a
// provider shows instead of redirecting when the client or redirect URI is wrong.

import { escapeHtml, html } from './http.ts'

const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}
main{max-width:440px;margin:60px auto;background:#fff;border-radius:8px;padding:28px;box-shadow:0 1px 4px #0002}
h1{font-size:20px;margin:0 0 12px}.err{color:#b42318;font-weight:600}label{display:block;margin:14px 0 4px;font-weight:600}
select{width:100%;padding:8px;font-size:15px}.actions{display:flex;gap:12px;margin-top:20px}
button{flex:1;padding:10px;font-size:15px;border-radius:4px;border:1px solid #1d4ed8;cursor:pointer}
button[value=allow]{background:#1d4ed8;color:#fff}button[value=deny]{background:#fff;color:#1d4ed8}small{color:#555}`

export interface ConsentPage {
  requestId: string
  providerName: string
  clientId: string
  /** Accounts the person may connect: `[key, label]`. */
  accounts: Array<[string, string]>
  selected: string | null
  scopes: string[]
  /** The authorize URL on the simulator (the form posts back to it). */
  action: string
}

export function consentPage(p: ConsentPage): Response {
  const options = p.accounts.map(([key, label]) =>
    `<option value="${escapeHtml(key)}"${key === p.selected ? ' selected' : ''}>${
      escapeHtml(label)
    }</option>`
  ).join('')
  const scopes = p.scopes.length
    ? `<p>It asks for:</p><ul>${p.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`
    : ''
  return html(`<!doctype html><html><head><meta charset="utf-8">
<title>Authorize access | ${escapeHtml(p.providerName)} (simulator)</title><style>${STYLE}</style>
</head><body><main>
<h1>Connect to ${escapeHtml(p.providerName)}?</h1>
<p>The app <strong>${escapeHtml(p.clientId)}</strong> wants access to your account.</p>${scopes}
<form method="post" action="${escapeHtml(p.action)}">
<input type="hidden" name="request_id" value="${escapeHtml(p.requestId)}">
<label for="account">Account</label><select id="account" name="account">${options}</select>
<div class="actions"><button name="decision" value="deny">Deny</button>
<button name="decision" value="allow">Allow</button></div>
</form><p><small>Provider simulator: nothing here is real.</small></p></main></body></html>`)
}

export function errorPage(providerName: string, message: string, status = 400): Response {
  return html(
    `<!doctype html><html><head><meta charset="utf-8"><title>Error | ${
      escapeHtml(providerName)
    } (simulator)</title><style>${STYLE}</style></head><body><main><h1>Something went wrong</h1>
<p class="err">${escapeHtml(message)}</p></main></body></html>`,
    status,
  )
}
