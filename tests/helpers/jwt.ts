// Tokens no honest issuer makes, for tests that must see them refused.
import { SignJWT } from 'jose'

function base64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * A well-formed claims set with sensible defaults for a signed-in user, issued (`iss`) by the
 * project the test has set as SUPABASE_URL, as Supabase Auth names itself `<url>/auth/v1`.
 */
export function userClaims(sub: string, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000)
  return {
    iss: `${Deno.env.get('SUPABASE_URL')}/auth/v1`,
    sub,
    aud: 'authenticated',
    role: 'authenticated',
    iat: now,
    exp: now + 3600,
    ...overrides,
  }
}

/** An `alg: none` token: header and claims with an empty signature. */
export function unsignedJwt(claims: Record<string, unknown>): string {
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`
}

/** An HS256 token signed with `secret`, as projects on the legacy JWT secret issue. */
export async function hs256Jwt(claims: Record<string, unknown>, secret: string): Promise<string> {
  return await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret))
}
