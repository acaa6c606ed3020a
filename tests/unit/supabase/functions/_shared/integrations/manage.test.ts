import assert from 'node:assert/strict'
import {
  ConflictError,
  ValidationError,
} from '../../../../../../supabase/functions/_shared/http/errors.ts'
import { mapWriteError } from '../../../../../../supabase/functions/_shared/integrations/manage.ts'

Deno.test('mapWriteError: the database refusing to move an active integration is the 409 PATCH gives', () => {
  assert.throws(() => mapWriteError({ code: '55000' }), (error: unknown) => {
    assert.ok(error instanceof ConflictError)
    assert.equal(error.code, 'integration_connected')
    return true
  })
  assert.throws(() => mapWriteError({ code: '23505' }), ConflictError)
  assert.throws(() => mapWriteError({ code: '23514' }), ValidationError)
  const unexpected = Object.assign(new Error('boom'), { code: '57014' })
  assert.throws(() => mapWriteError(unexpected), (error: unknown) => error === unexpected)
})
