// Deterministic realistic CRM data (accounts, contacts, leads) with the timestamp patterns syncs trip on.

import { toSecond } from '../clock.ts'
import type { OrgData } from '../store.ts'
import {
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  DEPARTMENTS,
  FIRST_NAMES,
  LAST_NAMES,
  type Place,
  places,
  SALUTATIONS,
  STREET_NAMES,
  STREET_SUFFIXES,
  TITLES,
} from './names.ts'
import { createRandom, type Random } from './random.ts'

export interface GenerateOptions {
  seed: number
  accounts: number
  contacts: number
  leads?: number
  /** Every generated timestamp lies before this instant (ms). */
  now: number
  /** Users that own and create records. */
  userIds: string[]
  /**
   * Share of records whose SystemModstamp is one of a few "bulk update" instants, so many
   * records carry the same stamp (default 0.3).
   */
  sharedStampShare?: number
}

export interface GeneratedCounts {
  accounts: number
  contacts: number
  leads: number
}

/** Fills an org with generated records; the same options always produce the same data. */
export function generateOrgData(org: OrgData, opts: GenerateOptions): GeneratedCounts {
  const rnd = createRandom(opts.seed)
  const cityList = places(rnd.next)
  const anchor = toSecond(opts.now) - 60_000
  const stamps = new Stamps(
    rnd,
    anchor,
    opts.contacts + opts.accounts,
    opts.sharedStampShare ?? 0.3,
  )

  const accounts: { id: string; domain: string; place: Place; name: string }[] = []
  const usedNames = new Set<string>()
  for (let i = 0; i < opts.accounts; i++) {
    let name = `${rnd.pick(COMPANY_WORDS)} ${rnd.pick(COMPANY_SUFFIXES)}`
    if (usedNames.has(name)) name = `${name} ${i}`
    usedNames.add(name)
    const place = rnd.pick(cityList)
    const domain = `${asciiSlug(name.split(' ')[0])}${usedNames.size}.example.com`
    const t = stamps.next()
    const owner = rnd.pick(opts.userIds)
    const rec = org.insert('Account', {
      Name: name,
      Type: rnd.pick(['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other']),
      Industry: rnd.pick([
        'Banking',
        'Consulting',
        'Education',
        'Energy',
        'Healthcare',
        'Manufacturing',
        'Retail',
        'Technology',
      ]),
      Phone: phone(rnd, place),
      Website: `https://www.${domain}`,
      NumberOfEmployees: rnd.int(1, 50_000),
      AnnualRevenue: rnd.int(10, 500_000) * 1000,
      ...addressFields('Billing', rnd, place),
      OwnerId: owner,
      CreatedById: owner,
      LastModifiedById: owner,
      CreatedDate: t.created,
      LastModifiedDate: t.modified,
      SystemModstamp: t.modstamp,
    }, { at: t.modstamp })
    accounts.push({ id: rec.id, domain, place, name })
  }

  const emails: string[] = []
  for (let i = 0; i < opts.contacts; i++) {
    const first = rnd.chance(0.03) ? null : rnd.pick(FIRST_NAMES)
    const last = rnd.pick(LAST_NAMES)
    const account = accounts.length > 0 && rnd.chance(0.85) ? rnd.pick(accounts) : null
    const place = account && rnd.chance(0.7) ? account.place : rnd.pick(cityList)
    const domain = account?.domain ??
      rnd.pick(['gmail.example', 'outlook.example', 'proton.example'])
    const email = contactEmail(rnd, first, last, domain, emails)
    emails.push(email ?? '')
    const t = stamps.next()
    const owner = rnd.pick(opts.userIds)
    org.insert('Contact', {
      AccountId: account?.id ?? null,
      Salutation: rnd.chance(0.4) ? rnd.pick(SALUTATIONS) : null,
      FirstName: first,
      LastName: last,
      Email: email,
      Phone: rnd.chance(0.9) ? phone(rnd, place) : null,
      MobilePhone: rnd.chance(0.5) ? phone(rnd, place) : null,
      Title: rnd.chance(0.85) ? rnd.pick(TITLES) : null,
      Department: rnd.chance(0.6) ? rnd.pick(DEPARTMENTS) : null,
      LeadSource: rnd.chance(0.5)
        ? rnd.pick(['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'])
        : null,
      Birthdate: rnd.chance(0.2) ? birthdate(rnd) : null,
      ...(rnd.chance(0.9) ? addressFields('Mailing', rnd, place) : {}),
      HasOptedOutOfEmail: rnd.chance(0.05),
      DoNotCall: rnd.chance(0.03),
      OwnerId: owner,
      CreatedById: owner,
      LastModifiedById: owner,
      CreatedDate: t.created,
      LastModifiedDate: t.modified,
      SystemModstamp: t.modstamp,
    }, { at: t.modstamp })
  }

  const leads = opts.leads ?? 0
  for (let i = 0; i < leads; i++) {
    const place = rnd.pick(cityList)
    const first = rnd.pick(FIRST_NAMES)
    const last = rnd.pick(LAST_NAMES)
    const company = `${rnd.pick(COMPANY_WORDS)} ${rnd.pick(COMPANY_SUFFIXES)}`
    const t = stamps.next()
    const owner = rnd.pick(opts.userIds)
    org.insert('Lead', {
      FirstName: first,
      LastName: last,
      Company: company,
      Title: rnd.pick(TITLES),
      Email: `${asciiSlug(first)}.${asciiSlug(last)}@${
        asciiSlug(company.split(' ')[0])
      }.example.org`,
      Phone: phone(rnd, place),
      Status: rnd.pick(['Open - Not Contacted', 'Working - Contacted', 'Closed - Not Converted']),
      Rating: rnd.pick(['Hot', 'Warm', 'Cold']),
      ...addressFields('', rnd, place),
      OwnerId: owner,
      CreatedById: owner,
      LastModifiedById: owner,
      CreatedDate: t.created,
      LastModifiedDate: t.modified,
      SystemModstamp: t.modstamp,
    }, { at: t.modstamp })
  }
  return { accounts: opts.accounts, contacts: opts.contacts, leads }
}

/**
 * Produces CreatedDate <= LastModifiedDate <= SystemModstamp triples. A share of records
 * take their stamps from a handful of bulk-update instants (data loads, mass edits), so
 * thousands of rows can share one SystemModstamp, as in real orgs.
 */
class Stamps {
  readonly #bulkMoments: number[]
  constructor(
    private readonly rnd: Random,
    private readonly anchor: number,
    total: number,
    private readonly share: number,
  ) {
    const moments = Math.max(3, Math.ceil(total / 5000))
    // Spread the bulk instants over the last 20 days, so getUpdated windows see them too.
    this.#bulkMoments = Array.from(
      { length: moments },
      () => toSecond(anchor - rnd.int(1, 20 * 24 * 3600) * 1000),
    )
  }

  next(): { created: number; modified: number; modstamp: number } {
    const created = toSecond(this.anchor - this.rnd.int(0, 730 * 24 * 3600) * 1000)
    if (this.rnd.chance(this.share)) {
      const moment = this.rnd.pick(this.#bulkMoments)
      if (moment >= created) {
        // A system-only mass update (e.g. a recalculation) leaves LastModifiedDate behind.
        const systemOnly = this.rnd.chance(0.3)
        const modified = systemOnly
          ? toSecond(created + (moment - created) * this.rnd.next())
          : moment
        return { created, modified, modstamp: moment }
      }
    }
    const modified = this.rnd.chance(0.3)
      ? created
      : toSecond(created + (this.anchor - created) * this.rnd.next())
    const modstamp = this.rnd.chance(0.15)
      ? toSecond(modified + (this.anchor - modified) * this.rnd.next())
      : modified
    return { created, modified, modstamp }
  }
}

function addressFields(prefix: string, rnd: Random, place: Place): Record<string, unknown> {
  const street = `${rnd.int(1, 9999)} ${rnd.pick(STREET_NAMES)} ${rnd.pick(STREET_SUFFIXES)}`
  // Street is a textarea: multi-line values (suite on a second line) occur in real data.
  const full = rnd.chance(0.15) ? `${street}\nSuite ${rnd.int(100, 999)}` : street
  return {
    [`${prefix}Street`]: full,
    [`${prefix}City`]: place.city,
    [`${prefix}State`]: place.state,
    [`${prefix}PostalCode`]: place.postal(),
    [`${prefix}Country`]: place.country,
    [`${prefix}Latitude`]: rnd.chance(0.5) ? round(place.lat + (rnd.next() - 0.5) / 10, 6) : null,
    [`${prefix}Longitude`]: rnd.chance(0.5) ? round(place.lng + (rnd.next() - 0.5) / 10, 6) : null,
  }
}

/** Phone numbers are free text in Salesforce, so formats vary from record to record. */
function phone(rnd: Random, place: Place): string {
  const d = (n: number) => Array.from({ length: n }, () => rnd.int(0, 9)).join('')
  if (place.phonePrefix.startsWith('+')) return `${place.phonePrefix} ${d(4)} ${d(4)}`
  const area = place.phonePrefix
  switch (rnd.int(0, 4)) {
    case 0:
      return `(${area}) 555-${d(4)}`
    case 1:
      return `${area}-555-${d(4)}`
    case 2:
      return `+1 ${area} 555 ${d(4)}`
    case 3:
      return `${area}.555.${d(4)}`
    default:
      return `(${area}) 555-${d(4)} x${d(3)}`
  }
}

function contactEmail(
  rnd: Random,
  first: string | null,
  last: string,
  domain: string,
  previous: string[],
): string | null {
  if (rnd.chance(0.05)) return null
  // Shared inboxes: the same address on two contacts.
  if (previous.length > 0 && rnd.chance(0.01)) {
    const reused = rnd.pick(previous)
    if (reused) return reused
  }
  const local = first ? `${asciiSlug(first)}.${asciiSlug(last)}` : asciiSlug(last)
  const tagged = rnd.chance(0.02) ? `${local}+crm` : local
  const email = `${tagged}${rnd.chance(0.3) ? rnd.int(1, 99) : ''}@${domain}`
  return rnd.chance(0.03) ? email.toUpperCase() : email
}

function birthdate(rnd: Random): string {
  const y = rnd.int(1950, 2002)
  const m = String(rnd.int(1, 12)).padStart(2, '0')
  const day = String(rnd.int(1, 28)).padStart(2, '0')
  return `${y}-${m}-${day}`
}

function asciiSlug(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ø/gi, 'o').replace(
    /ł/gi,
    'l',
  )
    .replace(/[^A-Za-z0-9-]/g, '').toLowerCase()
}

function round(n: number, places: number): number {
  const f = 10 ** places
  return Math.round(n * f) / f
}
