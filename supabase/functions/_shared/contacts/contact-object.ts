// Which provider code reads an integration's contacts: its registry entry's contact object.
import { NotFoundError } from '../http/errors.ts'
import { getProvider, listProviders } from '../providers/registry.ts'
import type { ContactObject } from '../providers/types.ts'

/**
 * The contact object of `provider`.
 *
 * @throws {NotFoundError} `contacts_unsupported` for a provider without CRM contacts.
 */
export function contactObjectOf(provider: string): ContactObject {
  const contacts = getProvider(provider).objects.contact
  if (!contacts) {
    throw new NotFoundError(`${getProvider(provider).spec.displayName} has no contacts to read`, {
      code: 'contacts_unsupported',
    })
  }
  return contacts
}

/**
 * The canonical form of `id` by the first provider whose contact ids it spells, else undefined.
 * Route schemas check ids before they know the integration; the integration's own provider
 * then decides (contactObjectOf(...).canonicalId).
 */
export function anyCanonicalContactId(id: string): string | undefined {
  for (const provider of listProviders()) {
    const canonical = provider.objects.contact?.canonicalId(id)
    if (canonical !== undefined) return canonical
  }
  return undefined
}
