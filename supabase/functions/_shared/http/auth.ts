// Middleware that authenticates the caller from `Authorization: Bearer <user JWT>`, verified in
// the function against the project's JWKS (and the legacy HS256 secret when one is configured).
import { createMiddleware } from 'hono/factory'
import { jwksUrl, remoteJwks, type UserClaims, verifyUserJwt } from '../auth/verify-jwt.ts'
import { getConfig, jwtIssuer, legacyJwtSecret } from '../config.ts'
import type { AppVariables } from './context.ts'
import { UnauthorizedError } from './errors.ts'
import { documented } from './openapi/route-docs.ts'

/** Variables `requireUser` sets for the handlers after it. */
export interface UserVariables {
  /** The verified claims, passed unchanged to `asUser` so RLS sees what PostgREST would. */
  claims: UserClaims
  userId: string
}

export type UserEnv = { Variables: AppVariables & UserVariables }

/** The bearer token of a request, or undefined when the header is absent or not a bearer. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i)
  return match?.[1]
}

/**
 * Refuses the request with 401 unless it carries a valid user access token; sets `c.var.claims`
 * and `c.var.userId`. Verifying here, not only at the gateway, is what Supabase advises for
 * projects on asymmetric signing keys, and it keeps functions safe with verify_jwt off.
 *
 * @throws {UnauthorizedError} when the token is missing, malformed, expired or not ours.
 * @example app.get('/businesses', requireUser(), (c) => c.json({ id: c.var.userId }))
 */
export function requireUser() {
  const middleware = createMiddleware<UserEnv>(async function requireUser(c, next) {
    const token = bearerToken(c.req.header('authorization'))
    if (!token) throw new UnauthorizedError('Missing bearer token')
    const auth = getConfig('auth')
    const claims = await verifyUserJwt(token, {
      jwks: remoteJwks(jwksUrl(auth.SUPABASE_URL)),
      hs256Secret: legacyJwtSecret(auth),
    }, jwtIssuer(auth))
    c.set('claims', claims)
    c.set('userId', claims.sub)
    await next()
  })
  return documented(middleware, { security: 'bearer' })
}
