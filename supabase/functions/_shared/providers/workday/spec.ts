// Workday as data: not OAuth, an Integration System User's name and password in Basic on the
// tenant's data-center host.
import type { ProviderSpecInput } from '../types.ts'

/**
 * Workday with an Integration System User (facts: "workday", Nango's BASIC entry): the user is
 * `<name>@<tenant>`, sent with its password in a Basic header on every call. `{host}` is the
 * data-center label of `<host>.workday.com` (`wd2-impl-services1`), `{tenant}` the tenant name;
 * each pattern keeps its value inside one host label or path segment. The base is the REST API
 * root (`/ccx/api/v1/<tenant>`). A 401 means the password changed or expired: a dead credential.
 */
export const workdaySpec = {
  id: 'workday',
  displayName: 'Workday',
  authMode: 'basic',
  connectionConfig: {
    host: {
      pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
      description: 'the <host> of <host>.workday.com',
      required: true,
    },
    tenant: {
      pattern: '^[A-Za-z0-9_]{1,64}$',
      description: 'the Workday tenant name',
      required: true,
    },
  },
  expiry: { source: 'none', refreshMarginSeconds: 0 },
  deadGrant: { oauthErrors: [], apiStatuses: [401] },
  authExpiredStatuses: [],
  apiBaseUrl: 'https://{host}.workday.com/ccx/api/v1/{tenant}',
  retry: { after: 'retry-after' },
  pagination: { type: 'offset', offsetParam: 'offset', limitParam: 'limit', resultsPath: 'data' },
  credentialInjection: { scheme: 'basic' },
} satisfies ProviderSpecInput
