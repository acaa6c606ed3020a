// Seeded HubSpot companies and contacts (names incl. non-ASCII and apostrophes) from the word lists
// the Salesforce sandbox uses, so both sandboxes look alike.

import type { Random } from '../salesforce/data/random.ts'
import {
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  FIRST_NAMES,
  LAST_NAMES,
  places,
  TITLES,
} from '../salesforce/data/names.ts'
import type { Properties } from './state.ts'

export interface GeneratedRecords {
  companies: Properties[]
  /** `company`: index into `companies` of the contact's company, or null. */
  contacts: Array<{ properties: Properties; company: number | null }>
}

export function generateRecords(rnd: Random, companies: number, contacts: number) {
  const cities = places(rnd.next)
  const out: GeneratedRecords = { companies: [], contacts: [] }
  const domains: string[] = []
  for (let i = 0; i < companies; i++) {
    const word = rnd.pick(COMPANY_WORDS)
    const place = rnd.pick(cities)
    const slug = word.normalize('NFD').replace(/[^A-Za-z0-9]+/g, '').toLowerCase() || 'company'
    const domain = `${slug}${i}.example.com`
    domains.push(domain)
    out.companies.push({
      name: `${word} ${rnd.pick(COMPANY_SUFFIXES)}`,
      domain,
      city: place.city,
      country: place.country,
      phone: `${place.phonePrefix} ${rnd.int(100, 999)} ${rnd.int(1000, 9999)}`,
      industry: rnd.pick([
        'COMPUTER_SOFTWARE',
        'RETAIL',
        'FINANCIAL_SERVICES',
        'HOSPITAL_HEALTH_CARE',
      ]),
    })
  }
  for (let i = 0; i < contacts; i++) {
    const first = rnd.pick(FIRST_NAMES)
    const last = rnd.pick(LAST_NAMES)
    const company = companies > 0 && rnd.chance(0.8) ? rnd.int(0, companies - 1) : null
    const domain = company === null ? 'mail.example.org' : domains[company]
    const local = `${first}.${last}`.normalize('NFD').replace(/[^A-Za-z0-9.]+/g, '')
      .toLowerCase()
    const place = rnd.pick(cities)
    out.contacts.push({
      company,
      properties: {
        // Unique per portal, as HubSpot enforces for contacts' email (facts §0 trap 12).
        email: `${local}.${i}@${domain}`,
        firstname: first,
        lastname: last,
        phone: rnd.chance(0.8)
          ? `${place.phonePrefix} ${rnd.int(100, 999)} ${rnd.int(1000, 9999)}`
          : null,
        jobtitle: rnd.chance(0.7) ? rnd.pick(TITLES) : null,
        city: place.city,
        country: place.country,
        company: company === null ? null : out.companies[company].name,
      },
    })
  }
  return out
}
