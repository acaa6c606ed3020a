// HTML pages of the authorize flow: the login-and-approve form a person can click, and the error page.

import { escapeHtml, html } from './http.ts'

const STYLE = `body{font-family:system-ui,sans-serif;background:#f3f3f3;margin:0}
main{max-width:420px;margin:60px auto;background:#fff;border-radius:8px;padding:28px;box-shadow:0 1px 4px #0002}
h1{font-size:20px;margin:0 0 12px}p{color:#333}.err{color:#c23934;font-weight:600}
label{display:block;margin:14px 0 4px;font-weight:600}select,input{width:100%;padding:8px;font-size:15px}
.actions{display:flex;gap:12px;margin-top:20px}button{flex:1;padding:10px;font-size:15px;border-radius:4px;border:1px solid #0176d3;cursor:pointer}
button[value=allow]{background:#0176d3;color:#fff}button[value=deny]{background:#fff;color:#0176d3}
ul{padding-left:20px}small{color:#666}`

export interface ApprovalPage {
  requestId: string
  appName: string
  hostLabel: string
  scopes: string[]
  usernames: string[]
  selected: string | null
  error?: string
  /** Where the form posts back (the authorize URL of the host in use). */
  action: string
}

/** Login + "Allow access?" in one page: pick a user, then Allow or Deny. */
export function approvalPage(p: ApprovalPage): Response {
  const options = p.usernames.map((u) =>
    `<option${u === p.selected ? ' selected' : ''}>${escapeHtml(u)}</option>`
  ).join('')
  const body =
    `<!doctype html><html><head><meta charset="utf-8"><title>Allow Access? | Salesforce Sandbox</title>
<style>${STYLE}</style></head><body><main>
<h1>Allow Access?</h1>
<p><strong>${escapeHtml(p.appName)}</strong> is asking to access your data.</p>
<p><small>Login host: ${escapeHtml(p.hostLabel)}</small></p>
${p.error ? `<p class="err">${escapeHtml(p.error)}</p>` : ''}
<form method="post" action="${escapeHtml(p.action)}">
<input type="hidden" name="request_id" value="${escapeHtml(p.requestId)}">
<label for="username">Username</label>
${
      p.usernames.length > 0
        ? `<select id="username" name="username">${options}</select>`
        : `<input id="username" name="username" value="${escapeHtml(p.selected ?? '')}">`
    }
<p>It will be able to:</p><ul>${
      p.scopes.map((s) => `<li>${escapeHtml(describeScope(s))}</li>`).join('')
    }</ul>
<div class="actions"><button name="action" value="deny">Deny</button><button name="action" value="allow">Allow</button></div>
</form></main></body></html>`
  return html(body)
}

/** Salesforce shows client problems on its own page instead of redirecting (facts §1.4). */
export function errorPage(error: string, description: string, status = 400): Response {
  const body =
    `<!doctype html><html><head><meta charset="utf-8"><title>Error | Salesforce Sandbox</title>
<style>${STYLE}</style></head><body><main><h1>Remote Access Error</h1>
<p class="err">error=${escapeHtml(error)}</p><p>error_description=${escapeHtml(description)}</p>
</main></body></html>`
  return html(body, status)
}

function describeScope(scope: string): string {
  switch (scope) {
    case 'api':
      return 'Manage user data via APIs (api)'
    case 'refresh_token':
    case 'offline_access':
      return `Perform requests at any time (${scope})`
    case 'full':
      return 'Full access (full)'
    case 'openid':
      return 'Access unique user identifiers (openid)'
    default:
      return `Access ${scope} (${scope})`
  }
}
