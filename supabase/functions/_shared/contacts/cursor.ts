// Opaque page cursors: base64url of a small JSON keyset position, checked with zod on the way
// back in, so a tampered cursor is a 400 and never reaches a query as anything but typed values.
import { z } from 'zod'
import { base64url } from '../oauth/base64url.ts'

/** Longer than any cursor we issue; bounds the work of decoding a hostile one. */
export const maxCursorLength = 512

/** The cursor text for `position`. */
export function encodeCursor(position: unknown): string {
  return base64url(new TextEncoder().encode(JSON.stringify(position)))
}

/** Why a cursor was refused; the message goes to the client and names no value. */
export class CursorError extends Error {
  override name = 'CursorError'
}

function fromBase64url(text: string): Uint8Array {
  if (text.length === 0 || text.length > maxCursorLength || !/^[A-Za-z0-9_-]+$/.test(text)) {
    throw new CursorError('cursor is not base64url')
  }
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  try {
    return Uint8Array.from(
      atob(base64 + '='.repeat((4 - base64.length % 4) % 4)),
      (char) => char.charCodeAt(0),
    )
  } catch {
    throw new CursorError('cursor is not base64url')
  }
}

/**
 * The position in `text`, read with `schema`.
 *
 * @throws {CursorError} when the text is not one of our cursors (wrong encoding, not JSON, or a
 *   shape or value the schema refuses).
 */
export function decodeCursor<S extends z.ZodType>(schema: S, text: string): z.output<S> {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64url(text)))
  } catch (error) {
    if (error instanceof CursorError) throw error
    throw new CursorError('cursor is not JSON')
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) throw new CursorError('cursor is not a position we issued')
  return parsed.data
}

/**
 * A zod field for a `cursor` query parameter: decodes it with `schema`, or fails validation with
 * the cursor error's message (so the route answers 400 `validation_failed`).
 */
export function cursorParam<S extends z.ZodType>(schema: S) {
  return z.string().transform((text, ctx): z.output<S> => {
    try {
      return decodeCursor(schema, text)
    } catch (error) {
      if (!(error instanceof CursorError)) throw error
      ctx.addIssue({ code: 'custom', message: error.message })
      return z.NEVER
    }
  })
}
