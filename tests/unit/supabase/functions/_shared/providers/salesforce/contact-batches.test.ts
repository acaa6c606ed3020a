import assert from 'node:assert/strict'
import {
  headerReserveBytes,
  maxQueryUriBytes,
  planIdBatches,
  queryPath,
  queryUriBytes,
  salesforceUriAndHeadersMaxBytes,
} from '../../../../../../../supabase/functions/_shared/providers/salesforce/contact-batches.ts'
import { toId18 } from '../../../../../../../supabase/functions/_shared/providers/salesforce/ids.ts'
import { contactsByIdSoql } from '../../../../../../../supabase/functions/_shared/providers/salesforce/contact-soql.ts'

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** `count` distinct canonical Contact ids, mixed case like real ones. */
function contactIds(count: number): string[] {
  return Array.from({ length: count }, (_, n) => {
    let sequence = ''
    for (let rest = n + 1_000_000; sequence.length < 10; rest = Math.floor(rest / 62)) {
      sequence = base62[rest % 62] + sequence
    }
    return toId18(`003Ro${sequence}`)!
  })
}

const productionPath = queryPath('https://acme.my.salesforce.com', '62.0')

Deno.test('contact-batches: the budget is Salesforce cap minus the header reserve', () => {
  assert.equal(salesforceUriAndHeadersMaxBytes, 16_384)
  assert.equal(maxQueryUriBytes, 16_384 - headerReserveBytes)
  // Encoding never shortens SOQL, so any batch within the URI budget is far under SOQL's own
  // 100,000-character statement limit: the URI is the limit that binds.
  assert.ok(maxQueryUriBytes < 100_000)
})

Deno.test('contact-batches: queryPath keeps the instance URL path and the API version', () => {
  assert.equal(productionPath, '/services/data/v62.0/query')
  assert.equal(
    queryPath('http://127.0.0.1:5000/instance/acme/', '58.0'),
    '/instance/acme/services/data/v58.0/query',
  )
  assert.equal(queryPath(null, '62.0'), '/services/data/v62.0/query')
})

Deno.test('contact-batches: queryUriBytes is what a URL actually carries', () => {
  const soql = contactsByIdSoql(contactIds(3))
  const url = new URL(`https://acme.my.salesforce.com${productionPath}`)
  url.searchParams.set('q', soql)
  assert.equal(queryUriBytes(productionPath, soql), url.pathname.length + url.search.length)
})

Deno.test('contact-batches: 2,000 ids take 4 queries, the least any GET can do', () => {
  const ids = contactIds(2000)
  const batches = planIdBatches(ids, productionPath)
  // Hand-derived: each id is `%27` + 18 + `%27` and a `%2C` between ids, 27 bytes; 2,000 of
  // them are 53,997 bytes of URI before SELECT and path, more than 3 × 16,384 = 49,152.
  const idBytes = 2000 * 27 - 3
  const fewestPossible = Math.ceil(idBytes / salesforceUriAndHeadersMaxBytes)
  assert.equal(fewestPossible, 4)
  assert.equal(batches.length, fewestPossible)
  assert.deepEqual(batches.flat(), ids, 'every id once, in order')
})

Deno.test('contact-batches: every batch fits the budget and is as full as it can be', () => {
  for (const path of [productionPath, queryPath('http://127.0.0.1:1/instance/globex', '62.0')]) {
    const batches = planIdBatches(contactIds(2000), path)
    batches.forEach((batch, index) => {
      assert.ok(queryUriBytes(path, contactsByIdSoql(batch)) <= maxQueryUriBytes)
      const next = batches[index + 1]?.[0]
      if (next) {
        assert.ok(
          queryUriBytes(path, contactsByIdSoql([...batch, next])) > maxQueryUriBytes,
          `batch ${index} could have taken one more id`,
        )
      }
    })
  }
})

Deno.test('contact-batches: few ids are one query; none are none', () => {
  assert.equal(planIdBatches(contactIds(1), productionPath).length, 1)
  assert.equal(planIdBatches(contactIds(500), productionPath).length, 1)
  assert.deepEqual(planIdBatches([], productionPath), [])
})

Deno.test('contact-batches: a path too long for even one id is refused', () => {
  assert.throws(() => planIdBatches(contactIds(1), `/${'x'.repeat(maxQueryUriBytes)}`), RangeError)
})
