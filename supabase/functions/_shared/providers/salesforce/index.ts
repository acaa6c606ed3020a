// Salesforce's registry entry: its spec, its hooks, and its objects: Contacts (live reads and
// sync), and the sync of Accounts, Leads and any other sObject.
import type { ProviderDefinition } from '../define.ts'
import { salesforceContacts } from './contact-object.ts'
import { salesforceHooks } from './hooks.ts'
import { accountSync } from './objects/account.ts'
import { genericSync } from './objects/generic.ts'
import { leadSync } from './objects/lead.ts'
import { salesforceSpec } from './spec.ts'
import { sobjectSourceFactory } from './sync-source.ts'

/** Object keys with a table of their own; every other key is an sObject API name. */
const ownTables = { account: accountSync, lead: leadSync }

export const salesforce: ProviderDefinition = {
  spec: salesforceSpec,
  hooks: salesforceHooks,
  objects: {
    contact: salesforceContacts,
    sync(object) {
      if (object === 'account' || object === 'lead') return sobjectSourceFactory(ownTables[object])
      // Lower-case keys are ours (contact, account, lead); an sObject's API name starts upper.
      if (!/^[A-Z][A-Za-z0-9_]*$/.test(object)) return undefined
      return sobjectSourceFactory(genericSync(object))
    },
  },
}
