// Names requests by endpoint ("query", "queryMore", "oauth.token", ...) for the log and counters.

/** Classifies a path (host prefix removed) and method; handlers may refine it later. */
export function classify(method: string, path: string): string {
  if (path.startsWith('/services/oauth2/')) return `oauth.${path.split('/')[3]}`
  if (path.startsWith('/id/')) return 'identity'
  if (path === '/services/data' || path === '/services/data/') return 'versions'
  const m = /^\/services\/data\/v[\d.]+(?:\/([^/?]+))?(?:\/([^/?]+))?(?:\/([^/?]+))?/.exec(path)
  if (!m) return 'unknown'
  const [, head, second, third] = m
  if (!head) return 'resources'
  if ((head === 'query' || head === 'queryAll') && second) return 'queryMore'
  if (head === 'query' || head === 'queryAll' || head === 'limits') return head
  if (head === 'sobjects') {
    if (!second) return 'sobjects.describeGlobal'
    if (!third) return method === 'POST' ? 'sobject.create' : 'sobject.basicInfo'
    if (third === 'describe' || third === 'updated' || third === 'deleted') {
      return `sobject.${third}`
    }
    return { GET: 'sobject.get', PATCH: 'sobject.update', DELETE: 'sobject.delete' }[method] ??
      'sobject'
  }
  if (head === 'composite' && second === 'sobjects') {
    if (third) return 'composite.sobjects.retrieve'
    return {
      POST: 'composite.sobjects.create',
      PATCH: 'composite.sobjects.update',
      DELETE: 'composite.sobjects.delete',
    }[method] ??
      'composite.sobjects'
  }
  return 'rest'
}
