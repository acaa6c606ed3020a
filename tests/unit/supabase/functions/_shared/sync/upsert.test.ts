import assert from 'node:assert/strict'
import {
  type ContactRow,
  contactSyncColumns,
} from '../../../../../../supabase/functions/_shared/sync/tables.ts'
import {
  buildContactUpsert,
  contactRowsBatch,
  newestPerRecord,
  storable,
} from '../../../../../../supabase/functions/_shared/sync/upsert.ts'

function row(id: string, modstamp: string, lastName = 'Doe'): ContactRow {
  return {
    source_id: id,
    source_modstamp: modstamp,
    deleted: false,
    first_name: null,
    last_name: lastName,
    email: null,
    phone: null,
    company: null,
    title: null,
    source_metadata: {},
  }
}

Deno.test('buildContactUpsert: one statement over the page, from the column description', () => {
  const sql = buildContactUpsert(contactSyncColumns)
  assert.equal(sql.split(';').length, 1)
  assert.match(sql, /jsonb_to_recordset\(\$1::text::jsonb\)/)
  assert.match(sql, /on conflict \(business_id, source_type, source_id\) do update/)
  for (const column of contactSyncColumns) {
    assert.ok(sql.includes(`${column.name} ${column.type}`), `${column.name} is read`)
    assert.ok(sql.includes(`${column.name} = excluded.${column.name}`), `${column.name} is set`)
  }
  assert.doesNotMatch(sql, /tags/, "the team's own tags are never synced")
  assert.match(
    sql,
    /custom_fields = c\.custom_fields \|\| excluded\.custom_fields/,
    "mapped custom fields are merged into the team's own",
  )
})

Deno.test('buildContactUpsert: a row wins only when newer, or equally new and different', () => {
  const sql = buildContactUpsert([{ name: 'last_name', type: 'text' }])
  assert.match(
    sql,
    /where c\.source_modstamp is null\s+or excluded\.source_modstamp > c\.source_modstamp/,
  )
  assert.match(
    sql,
    /excluded\.source_modstamp = c\.source_modstamp and \(excluded\.last_name, excluded\.account_id, excluded\.account_source_id, c\.custom_fields \|\| excluded\.custom_fields, excluded\.integration_id, excluded\.sync_status\) is distinct from \(c\.last_name, c\.account_id, c\.account_source_id, c\.custom_fields, c\.integration_id, c\.sync_status\)/,
  )
})

Deno.test('buildContactUpsert: deletes are soft and keep the first deletion time', () => {
  const sql = buildContactUpsert(contactSyncColumns)
  assert.match(sql, /case when r\.deleted then 'deleted' else 'synced' end/)
  assert.match(sql, /coalesce\(c\.deleted_at, excluded\.deleted_at\)/)
})

Deno.test('newestPerRecord: keeps one row per record, the newest', () => {
  const rows = [
    row('003A', '2026-03-02T10:00:00.000Z', 'old'),
    row('003B', '2026-03-02T10:00:00.000Z'),
    row('003A', '2026-03-02T10:00:01.000Z', 'new'),
  ]
  const kept = newestPerRecord(rows)
  assert.deepEqual(kept.map((r) => [r.source_id, r.last_name]), [['003A', 'new'], ['003B', 'Doe']])
  const distinct = [row('003A', '2026-03-02T10:00:00.000Z')]
  assert.equal(newestPerRecord(distinct), distinct, 'a page without repeats is used as is')
})

Deno.test('storable: removes U+0000 at any depth, and returns what had none as is', () => {
  const clean = { a: 'x', b: [{ c: null, d: 1 }] }
  assert.equal(storable(clean), clean)
  assert.deepEqual(storable({ a: 'x\u0000y', b: [{ c: '\u0000', d: 1 }], e: true }), {
    a: 'xy',
    b: [{ c: '', d: 1 }],
    e: true,
  })
})

Deno.test('contactRowsBatch: names the records it cleaned', () => {
  const batch = contactRowsBatch([row('003A', '2026-03-02T10:00:00.000Z', 'Nul\u0000')])
  assert.deepEqual(batch.cleaned, ['003A'])
  assert.equal(batch.json.includes('\\u0000'), false)
})
