import assert from 'node:assert/strict'
import { encodeCursor } from '../../../../../../supabase/functions/_shared/contacts/cursor.ts'
import {
  importBodySchema,
  remoteQuerySchema,
  syncedQuerySchema,
} from '../../../../../../supabase/functions/_shared/contacts/schemas.ts'

const integrationId = '8b9c1f4e-2d3a-4b5c-9d8e-7f6a5b4c3d2e'

Deno.test('schemas: remote query defaults, bounds and search', () => {
  assert.deepEqual(remoteQuerySchema.parse({}), { limit: 50 })
  assert.equal(remoteQuerySchema.parse({ limit: '200' }).limit, 200)
  for (const limit of ['0', '201', '1.5', 'x']) {
    assert.equal(remoteQuerySchema.safeParse({ limit }).success, false, limit)
  }
  assert.equal(remoteQuerySchema.parse({ search: '  ann  ' }).search, 'ann')
  assert.equal(remoteQuerySchema.parse({ search: '' }).search, undefined)
  assert.equal(remoteQuerySchema.parse({ search: "' OR Name != '" }).search, "' OR Name != '")
  assert.equal(remoteQuerySchema.safeParse({ search: 'a\u0000b' }).success, false)
  assert.equal(remoteQuerySchema.safeParse({ search: 'x'.repeat(101) }).success, false)
})

Deno.test('schemas: the remote cursor must hold a canonical Contact id', () => {
  const good = encodeCursor({ a: '003RO0000035WQgYAM' })
  assert.deepEqual(remoteQuerySchema.parse({ cursor: good }).cursor, { a: '003RO0000035WQgYAM' })
  for (
    const a of ['003RO0000035WQg', '003ro0000035wqgyam', '001D000000IRFmaIAH', "' OR Id != '"]
  ) {
    assert.equal(remoteQuerySchema.safeParse({ cursor: encodeCursor({ a }) }).success, false, a)
  }
})

Deno.test('schemas: the synced list wants exactly one scope', () => {
  assert.equal(syncedQuerySchema.safeParse({}).success, false)
  assert.equal(
    syncedQuerySchema.safeParse({ integration_id: integrationId, business_id: integrationId })
      .success,
    false,
  )
  const parsed = syncedQuerySchema.parse({ business_id: integrationId, include_deleted: 'true' })
  assert.equal(parsed.include_deleted, true)
  assert.equal(parsed.limit, 50)
  assert.equal(syncedQuerySchema.parse({ business_id: integrationId }).include_deleted, false)
  assert.equal(
    syncedQuerySchema.safeParse({ business_id: integrationId, updated_since: 'yesterday' }).success,
    false,
  )
})

Deno.test('schemas: the synced cursor keeps microseconds and a uuid', () => {
  const cursor = encodeCursor({ u: '2026-03-02T10:00:00.123456Z', i: integrationId })
  assert.deepEqual(syncedQuerySchema.parse({ business_id: integrationId, cursor }).cursor, {
    u: '2026-03-02T10:00:00.123456Z',
    i: integrationId,
  })
  const tampered = encodeCursor({ u: "2026-03-02'; drop table contacts; --", i: integrationId })
  assert.equal(
    syncedQuerySchema.safeParse({ business_id: integrationId, cursor: tampered }).success,
    false,
  )
})

Deno.test('schemas: import takes 1..2000 valid Contact ids', () => {
  const body = (source_ids: unknown) => ({
    integration_id: integrationId,
    campaign_id: integrationId,
    source_ids,
  })
  assert.equal(importBodySchema.safeParse(body(['003RO0000035WQg'])).success, true)
  assert.equal(importBodySchema.safeParse(body(['003RO0000035WQgYAM'])).success, true)
  assert.equal(importBodySchema.safeParse(body([])).success, false)
  assert.equal(
    importBodySchema.safeParse(body(Array(2001).fill('003RO0000035WQgYAM'))).success,
    false,
  )
  for (const id of ['003RO0000035WQ', '001D000000IRFma', "003' OR Id != '", 42]) {
    assert.equal(importBodySchema.safeParse(body([id])).success, false, String(id))
  }
  assert.equal(importBodySchema.safeParse({ ...body(['003RO0000035WQg']), x: 1 }).success, false)
})
