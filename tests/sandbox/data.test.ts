// Ids with checksums, the deterministic data generator, and performance with 50,000 contacts.

import assert from 'node:assert/strict'
import {
  idChecksum,
  IdMinter,
  MAX_ORGS,
  normalizeId,
  orgIdSpace,
  to18,
} from '../../scripts/sandbox/salesforce/data/ids.ts'
import { createSalesforceSandbox } from '../../scripts/sandbox/salesforce/sandbox.ts'
import { login, soql, withSandbox } from './support/sandbox.ts'

Deno.test('computes the 18-character checksum suffix (facts test vectors)', () => {
  assert.equal(to18('001D000000IRFma'), '001D000000IRFmaIAH')
  assert.equal(to18('003RO0000035WQg'), '003RO0000035WQgYAM')
  assert.equal(to18('70130000001tcyI'), '70130000001tcyIAAQ')
  assert.equal(to18('a0BA0000000L2ZC'), 'a0BA0000000L2ZCMA0')
  assert.equal(idChecksum('AaaAABbbBBCccCC'), 'ZZZ')
})

Deno.test('normalizes 15-char ids, takes 18-char ids exactly as given, and rejects non-ids', () => {
  assert.equal(normalizeId('003RO0000035WQg'), '003RO0000035WQgYAM')
  assert.equal(normalizeId('003RO0000035WQgYAM'), '003RO0000035WQgYAM')
  // Case-safe, not case-insensitive: the suffix never restores a lost case (facts §0.17).
  assert.equal(normalizeId('003ro0000035wqgyam'), '003ro0000035wqgyam')
  assert.equal(normalizeId('003RO0000035WQGYAM'), '003RO0000035WQGYAM')
  // A re-cased 15-char id is another id, with its own suffix.
  assert.equal(normalizeId('003RO0000035WQG'), '003RO0000035WQGYA2')
  for (const bad of ['abc', '003RO0000035WQgY', '003RO0000035WQgYAMX', "003RO0000035WQ'", '']) {
    assert.equal(normalizeId(bad), null, bad)
  }
})

Deno.test('mints valid, distinct 18-char ids with the key prefix', () => {
  const m = new IdMinter('003', 'HD')
  const ids = Array.from({ length: 5000 }, () => m.mint())
  assert.equal(new Set(ids).size, 5000)
  for (const id of ids) {
    assert.match(id, /^003HD[0-9A-Za-z]{10}[A-Z0-5]{3}$/)
    assert.equal(normalizeId(id), id)
  }
})

Deno.test('ids stay unique across 12,000 orgs: org, user and every key prefix', () => {
  const recordKinds: Array<[string, string, Record<string, string>]> = [
    ['Account', '001', { Name: 'A' }],
    ['Contact', '003', { LastName: 'C' }],
    ['Lead', '00Q', { LastName: 'L', Company: 'C' }],
  ]
  const sb = createSalesforceSandbox({ now: '2026-01-01T00:00:00Z' })
  const owner = new Map<string, string>()
  const claim = (id: string, orgId: string) => {
    assert.match(id, /^[0-9A-Za-z]{15}[A-Z0-5]{3}$/)
    assert.equal(to18(id.slice(0, 15)), id, 'a checksum that matches the 15 characters')
    const previous = owner.get(id)
    assert.ok(previous === undefined, `${id} of org ${orgId} was already minted for ${previous}`)
    owner.set(id, orgId)
  }
  try {
    // No records seeded, no app: each org costs its three users and one record per type.
    for (let i = 0; i < 12_000; i++) {
      const org = sb.control.createOrg({ name: `Scale ${i}`, extraUsers: 2, app: false })
      assert.ok(org.orgId.startsWith('00D'))
      claim(org.orgId, org.orgId)
      for (const user of org.users) {
        assert.ok(user.id.startsWith('005'))
        claim(user.id, org.orgId)
      }
      for (const [type, prefix, values] of recordKinds) {
        const [id] = sb.control.insertRecords(org.orgId, type, [values])
        assert.ok(id.startsWith(prefix), `${type} ${id}`)
        claim(id, org.orgId)
      }
    }
  } finally {
    sb.close()
  }
  assert.equal(owner.size, 12_000 * 7)
})

Deno.test('an org number beyond what three base-62 characters hold is refused, not wrapped', () => {
  assert.equal(orgIdSpace(1).length, 5)
  assert.notEqual(orgIdSpace(1).slice(2), orgIdSpace(1 + 1612).slice(2))
  assert.throws(() => orgIdSpace(MAX_ORGS + 1), RangeError)
  assert.throws(() => orgIdSpace(0), RangeError)
})

Deno.test('generates the same org from the same seed, and a different one from another seed', () => {
  const snapshot = (seed: number) => {
    const sb = createSalesforceSandbox({ now: '2026-01-01T00:00:00Z' })
    const org = sb.control.createOrg({ contacts: 200, seed })
    const rows = sb.control.listIds(org.orgId, 'Contact').map((id) =>
      sb.control.getRecord(org.orgId, 'Contact', id)
    )
    sb.close()
    return JSON.stringify(rows)
  }
  assert.equal(snapshot(5), snapshot(5))
  assert.notEqual(snapshot(5), snapshot(6))
})

Deno.test('generated contacts are realistic and carry the timestamp patterns syncs trip on', () => {
  const sb = createSalesforceSandbox({ now: '2026-01-01T00:00:00Z' })
  const org = sb.control.createOrg({ contacts: 3000, seed: 11 })
  const rows = sb.control.listIds(org.orgId, 'Contact').map((id) =>
    sb.control.getRecord(org.orgId, 'Contact', id)!
  )
  sb.close()
  for (const r of rows) {
    assert.ok(r.CreatedDate! <= r.LastModifiedDate! && r.LastModifiedDate! <= r.SystemModstamp!)
    assert.match(r.SystemModstamp as string, /\.000\+0000$/)
  }
  const stampCounts = new Map<unknown, number>()
  for (const r of rows) {
    stampCounts.set(r.SystemModstamp, (stampCounts.get(r.SystemModstamp) ?? 0) + 1)
  }
  assert.ok(
    Math.max(...stampCounts.values()) >= 100,
    'a bulk update shares one stamp across many rows',
  )
  assert.ok(rows.some((r) => r.AccountId === null), 'private contacts without an account')
  assert.ok(rows.some((r) => r.Email === null))
  assert.ok(
    rows.some((r) => [...`${r.FirstName}${r.LastName}`].some((ch) => ch.charCodeAt(0) > 0x7f)),
    'non-ASCII names',
  )
  assert.ok(rows.some((r) => typeof r.MailingStreet === 'string' && r.MailingStreet.includes('\n')))
  assert.ok(rows.some((r) => r.SystemModstamp !== r.LastModifiedDate), 'system-only updates')
  const emails = rows.map((r) => r.Email).filter(Boolean)
  assert.ok(new Set(emails).size < emails.length, 'some shared inboxes')
})

Deno.test('reads 50,000 contacts exactly once by locator and by (SystemModstamp, Id) keyset', async () => {
  await withSandbox(async (_sb, org) => {
    const t = await login(org)
    const fields =
      'Id, FirstName, LastName, Email, Phone, Account.Name, MailingCity, SystemModstamp, IsDeleted'
    const byLocator = new Set<string>()
    let page =
      (await soql(t, `SELECT ${fields} FROM Contact ORDER BY SystemModstamp, Id`, true)).body
    for (const record of page.records) byLocator.add(record.Id)
    let count = page.records.length
    while (!page.done) {
      const res = await fetch(`${t.instance_url}${page.nextRecordsUrl}`, {
        headers: { authorization: `Bearer ${t.access_token}` },
      })
      page = await res.json()
      for (const record of page.records) byLocator.add(record.Id)
      count += page.records.length
    }
    assert.equal(count, 50_000)
    assert.equal(byLocator.size, 50_000, 'no record twice by locator')

    const byKeyset = new Set<string>()
    let total = 0
    let cursor: { stamp: string; id: string } | null = null
    for (;;) {
      const where = cursor
        ? `WHERE (SystemModstamp = ${cursor.stamp} AND Id > '${cursor.id}') OR SystemModstamp > ${cursor.stamp}`
        : ''
      const res = await soql(
        t,
        `SELECT ${fields} FROM Contact ${where} ORDER BY SystemModstamp, Id LIMIT 2000`,
        true,
      )
      const recs = res.body.records
      if (recs.length === 0) break
      total += recs.length
      for (const record of recs) byKeyset.add(record.Id)
      const last = recs[recs.length - 1]
      cursor = { stamp: last.SystemModstamp.replace('.000+0000', 'Z'), id: last.Id }
    }
    assert.equal(total, 50_000)
    // Speed is the benchmark's to measure (npm run bench), never a timed assertion here.
    assert.deepEqual(byKeyset, byLocator, 'both reads see the same records, each once')
  }, { contacts: 50_000 })
})
