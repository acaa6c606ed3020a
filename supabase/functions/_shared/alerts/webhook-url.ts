// Which URLs may receive alerts: HTTPS to a public host; plain-http loopback only when the
// local stack or tests allow it. Checked at registration and again before every POST.

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]'])

/** The four octets of a dotted IPv4 literal, or undefined. */
function ipv4Octets(host: string): number[] | undefined {
  const match = host.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/)
  return match ? match.slice(1).map(Number) : undefined
}

/**
 * True for IPv4 addresses that are not public: "this network", private, loopback, link-local,
 * CGNAT, IETF protocol assignments, benchmarking, multicast and reserved.
 */
function isNonPublicIpv4([a, b, c]: number[]): boolean {
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) || (a === 192 && b === 0 && c === 0) ||
    (a === 198 && (b === 18 || b === 19)) || a >= 224
}

/** True for a dotted IPv4 host that is not public. */
function isNonPublicIpv4Host(host: string): boolean {
  const octets = ipv4Octets(host)
  return octets !== undefined && isNonPublicIpv4(octets)
}

/** The eight 16-bit groups of an IPv6 literal (without brackets), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase()
  // A trailing dotted quad (`::ffff:1.2.3.4`) is two groups; the URL parser already rewrites it
  // to hex, this keeps the check right for callers that do not.
  const dotted = text.match(/^(.*:)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/)
  if (dotted) {
    const octets = ipv4Octets(dotted[2])
    if (!octets || octets.some((octet) => octet > 255)) return undefined
    text = `${dotted[1]}${((octets[0] << 8) | octets[1]).toString(16)}:${
      ((octets[2] << 8) | octets[3]).toString(16)
    }`
  }
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string) => part === '' ? [] : part.split(':')
  const head = parse(halves[0])
  const tail = halves.length === 2 ? parse(halves[1]) : []
  const missing = 8 - head.length - tail.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail]
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined
  return groups.map((group) => parseInt(group, 16))
}

/** The IPv4 address held by groups `high` and `low`. */
const ipv4Of = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff]

/**
 * True for IPv6 literals that are not public: unspecified, loopback, unique-local, link-local,
 * site-local, multicast, discard-only; IPv4-mapped (always: it is an IPv4 address in disguise);
 * Teredo and local-use NAT64 (their embedded addresses are the sender's to choose); and every
 * form that embeds a non-public IPv4 address: IPv4-compatible (`::a9fe:a9fe`), IPv4-translated
 * (`::ffff:0:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) and 6to4 (`2002:aabb:ccdd::`).
 */
function isNonPublicIpv6(host: string): boolean {
  if (!host.startsWith('[')) return false
  const g = ipv6Groups(host.slice(1, -1))
  // Not a literal we can read: refuse rather than guess.
  if (!g) return true
  const zeros = (from: number, to: number) => g.slice(from, to).every((group) => group === 0)
  if (zeros(0, 6)) return g[6] === 0 || isNonPublicIpv4(ipv4Of(g[6], g[7])) // ::, ::1, ::a.b.c.d
  if (zeros(0, 5) && g[5] === 0xffff) return true // ::ffff:a.b.c.d
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return isNonPublicIpv4(ipv4Of(g[6], g[7]))
  if (g[0] === 0x64 && g[1] === 0xff9b) {
    // 64:ff9b::/96 is the well-known NAT64 prefix; 64:ff9b:1::/48 is for local use only.
    return g[2] === 1 || !zeros(2, 6) || isNonPublicIpv4(ipv4Of(g[6], g[7]))
  }
  if (g[0] === 0x2002) return isNonPublicIpv4(ipv4Of(g[1], g[2])) // 6to4
  if (g[0] === 0x2001 && g[1] === 0) return true // Teredo
  if (g[0] === 0x100 && zeros(1, 4)) return true // 100::/64, discard-only
  return (g[0] & 0xfe00) === 0xfc00 || (g[0] & 0xffc0) === 0xfe80 ||
    (g[0] & 0xffc0) === 0xfec0 || (g[0] & 0xff00) === 0xff00
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
    loopback || isNonPublicIpv4Host(host) || isNonPublicIpv6(host) ||
    // A single-label name (`intranet`, `db`) only means something inside a network.
    (!host.includes('.') && !host.startsWith('['))
  ) {
    return 'must point to a public host'
  }
  return undefined
}
