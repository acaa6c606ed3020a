// What a browser does with an HTML form: find it, collect its fields, and submit it with the
// button the user clicked. Small on purpose: enough for the sandbox's approval page.

export interface HtmlForm {
  action: string
  method: string
  /** Successful controls in document order: hidden and text inputs, selects. */
  fields: Array<[string, string]>
  /** Submit buttons: the one clicked adds its own name=value. */
  buttons: Array<{ name: string; value: string; label: string }>
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code) => String.fromCharCode(parseInt(code, 16)))
    .replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag)
  if (!match) return undefined
  return decodeEntities(match[2] ?? match[3] ?? match[4] ?? '')
}

/** The first form of `html`, with its action resolved against `pageUrl`. */
export function parseForm(html: string, pageUrl: string): HtmlForm {
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(html)
  if (!form) throw new Error('the page has no form')
  const open = /<form\b[^>]*>/i.exec(form[0])![0]
  const body = form[1]
  const fields: Array<[string, string]> = []
  for (const input of body.match(/<input\b[^>]*>/gi) ?? []) {
    const name = attribute(input, 'name')
    const type = (attribute(input, 'type') ?? 'text').toLowerCase()
    if (name && ['hidden', 'text', 'password', 'email'].includes(type)) {
      fields.push([name, attribute(input, 'value') ?? ''])
    }
  }
  for (const select of body.match(/<select\b[^>]*>[\s\S]*?<\/select>/gi) ?? []) {
    const name = attribute(select, 'name')
    const options = [...select.matchAll(/<option\b([^>]*)>([\s\S]*?)<\/option>/gi)]
    // A browser submits the selected option, or the first one when none is marked.
    const chosen = options.find((option) => /\sselected\b/i.test(` ${option[1]}`)) ?? options[0]
    if (name && chosen) {
      fields.push([name, attribute(`<option ${chosen[1]}>`, 'value') ?? decodeEntities(chosen[2])])
    }
  }
  const buttons = [...body.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)].map((button) => ({
    name: attribute(`<button ${button[1]}>`, 'name') ?? '',
    value: attribute(`<button ${button[1]}>`, 'value') ?? '',
    label: decodeEntities(button[2].replace(/<[^>]+>/g, '').trim()),
  }))
  return {
    action: new URL(attribute(open, 'action') ?? pageUrl, pageUrl).href,
    method: (attribute(open, 'method') ?? 'get').toUpperCase(),
    fields,
    buttons,
  }
}

/** Submits `form` as a click on the button labelled `label` would; does not follow redirects. */
export async function submitForm(form: HtmlForm, label: string): Promise<Response> {
  const button = form.buttons.find((candidate) => candidate.label === label)
  if (!button) throw new Error(`the form has no button labelled ${label}`)
  const body = new URLSearchParams(form.fields)
  if (button.name) body.append(button.name, button.value)
  if (form.method !== 'POST') {
    const url = new URL(form.action)
    url.search = body.toString()
    return await fetch(url, { redirect: 'manual' })
  }
  return await fetch(form.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  })
}
