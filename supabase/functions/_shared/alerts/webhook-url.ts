// Which URLs may receive alerts: HTTPS to a public host; plain-http loopback only when the
// local stack or tests allow it. Checked at registration and again before every POST.

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]'])

/** True for IPv4 literals in loopback, private, link-local, CGNAT and "this network" ranges. */
function isPrivateIpv4(host: string): boolean {
  const match = host.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/)
  if (!match) return false
  const [a, b] = [Number(match[1]), Number(match[2])]
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) || a >= 224
}

/** True for IPv6 literals that are loopback, unspecified, unique-local, link-local or mapped. */
function isPrivateIpv6(host: string): boolean {
  if (!host.startsWith('[')) return false
  const address = host.slice(1, -1).toLowerCase()
  return address === '::1' || address === '::' || /^f[cd]/.test(address) ||
    /^fe[89ab]/.test(address) || address.startsWith('::ffff:')
}

/**
 * Why `raw` may not receive alerts, or undefined when it may. Refusing internal addresses keeps
 * a tenant from using our server to probe the network it runs in (SSRF). Host names are not
 * resolved here: a public name that resolves to a private address is the platform's egress
 * policy's to stop, and redirects are never followed when delivering.
 */
export function webhookUrlProblem(raw: string, allowInsecure: boolean): string | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'must be an absolute URL'
  }
  if (url.username || url.password) return 'must not contain credentials'
  if (url.hash) return 'must not contain a fragment'
  const host = url.hostname.toLowerCase()
  const loopback = loopbackHosts.has(host) || host.endsWith('.localhost') ||
    /^127\./.test(host)
  if (allowInsecure && loopback && (url.protocol === 'http:' || url.protocol === 'https:')) {
    return undefined
  }
  if (url.protocol !== 'https:') return 'must use https'
  if (
    loopback || isPrivateIpv4(host) || isPrivateIpv6(host) ||
    // A single-label name (`intranet`, `db`) only means something inside a network.
    (!host.includes('.') && !host.startsWith('['))
  ) {
    return 'must point to a public host'
  }
  return undefined
}
