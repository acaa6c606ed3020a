import assert from 'node:assert/strict'
import { z } from 'zod'
import {
  CursorError,
  decodeCursor,
  encodeCursor,
} from '../../../../../../supabase/functions/_shared/contacts/cursor.ts'

const position = z.strictObject({ a: z.string().regex(/^003[A-Za-z0-9]{15}$/) })

Deno.test('cursor: a cursor we issue decodes to the position in it', () => {
  const text = encodeCursor({ a: '003RO0000035WQgYAM' })
  assert.match(text, /^[A-Za-z0-9_-]+$/, 'URL-safe without escaping')
  assert.deepEqual(decodeCursor(position, text), { a: '003RO0000035WQgYAM' })
})

Deno.test('cursor: tampered or foreign cursors are refused', () => {
  const b64 = (value: string) =>
    btoa(value).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  const bad = [
    '',
    'not base64!',
    'a'.repeat(600),
    b64('not json'),
    b64('[]'),
    b64('{"a":"003RO0000035WQgYAM","extra":1}'),
    b64(`{"a":"003' OR Id != '"}`),
    b64('{"a":42}'),
    b64('\u00ff\u00fe'), // not UTF-8
  ]
  for (const text of bad) {
    assert.throws(() => decodeCursor(position, text), CursorError, JSON.stringify(text))
  }
})
