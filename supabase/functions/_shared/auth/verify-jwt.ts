// Verifies Supabase-issued JWTs: asymmetric keys from the project's JWKS (ES256/RS256) and, when
// configured, the legacy HS256 secret. Transport-agnostic: used by requireUser and the gateway.
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose'
import { z } from 'zod'
import { ServiceUnavailableError, UnauthorizedError } from '../http/errors.ts'

/** Where the verifier finds keys. With neither, every token is refused. */
export interface JwtKeys {
  /** Public keys for ES256/RS256 tokens (a remote or local JWKS). */
  jwks?: JWTVerifyGetKey
  /** Legacy symmetric secret; HS256 tokens are refused when it is absent. */
  hs256Secret?: string
}

export interface VerifyOptions {
  /** Required `aud`; unset accepts any audience (the platform gateway checks none). */
  audience?: string
  /** Required `iss`; a token naming another issuer, or none, is refused. Unset checks none. */
  issuer?: string
  /** Leeway for `exp`/`nbf`/`iat` between our clock and the issuer's. */
  clockToleranceSeconds?: number
}

/** The claims of a signed-in Supabase user, as Supabase Auth issues them. */
const userClaimsSchema = z.looseObject({
  // z.guid (any 8-4-4-4-12 hex) rather than z.uuid (RFC versions only): Postgres, and so
  // auth.uid(), accepts any such value, and fixed test ids like 0000...0001 are common.
  sub: z.guid(),
  role: z.literal('authenticated'),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  iat: z.number().optional(),
  iss: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  aal: z.string().optional(),
  session_id: z.string().optional(),
  is_anonymous: z.boolean().optional(),
  app_metadata: z.record(z.string(), z.unknown()).optional(),
  user_metadata: z.record(z.string(), z.unknown()).optional(),
})

export type UserClaims = z.infer<typeof userClaimsSchema>

const asymmetricAlgs = ['ES256', 'RS256']
const jwksCache = new Map<string, JWTVerifyGetKey>()

/** Failures to obtain keys are ours (503), unlike a token no key matches (401). */
function guardKeyFetch(getKey: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await getKey(header, token)
    } catch (error) {
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys
      ) throw error
      throw new ServiceUnavailableError('Cannot load the token signing keys', { cause: error })
    }
  }
}

/**
 * The JWKS published at `url`, fetched on demand and cached, one cache per URL for the life of
 * the process (jose refetches on an unknown `kid`, at most every 30 s).
 */
export function remoteJwks(url: URL): JWTVerifyGetKey {
  const key = url.href
  let jwks = jwksCache.get(key)
  if (!jwks) {
    jwks = guardKeyFetch(createRemoteJWKSet(url))
    jwksCache.set(key, jwks)
  }
  return jwks
}

/** Forgets every cached JWKS: for tests, whose throwaway servers may reuse a port. */
export function clearJwksCache(): void {
  jwksCache.clear()
}

/** The JWKS URL of a Supabase project (or of the local gateway). */
export function jwksUrl(supabaseUrl: string): URL {
  return new URL('/auth/v1/.well-known/jwks.json', supabaseUrl)
}

/** Picks the key source by the token's `alg`, refusing `none` and anything unexpected. */
function keyFor(token: string, keys: JwtKeys): { getKey: JWTVerifyGetKey; alg: string } {
  let alg: unknown
  try {
    alg = decodeProtectedHeader(token).alg
  } catch {
    throw new UnauthorizedError('Malformed token')
  }
  if (typeof alg === 'string' && asymmetricAlgs.includes(alg) && keys.jwks) {
    return { getKey: keys.jwks, alg }
  }
  if (alg === 'HS256' && keys.hs256Secret) {
    const secret = new TextEncoder().encode(keys.hs256Secret)
    return { getKey: () => secret, alg }
  }
  throw new UnauthorizedError('Unsupported token algorithm')
}

/**
 * Verifies signature, `exp` (required) and, if asked, `aud` and `iss`; returns the payload.
 *
 * @throws {UnauthorizedError} for a malformed, expired, unsigned or wrongly signed token.
 * @throws {ServiceUnavailableError} when the JWKS cannot be fetched.
 */
export async function verifySupabaseJwt(
  token: string,
  keys: JwtKeys,
  { audience, issuer, clockToleranceSeconds = 10 }: VerifyOptions = {},
): Promise<JWTPayload> {
  const { getKey, alg } = keyFor(token, keys)
  try {
    const { payload } = await jwtVerify(token, getKey, {
      // Pinning the one alg we chose the key for stops key-confusion (e.g. HS256 signed with a
      // public key) whatever the key source would accept.
      algorithms: [alg],
      audience,
      issuer,
      clockTolerance: clockToleranceSeconds,
      requiredClaims: ['exp'],
    })
    return payload
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      throw new UnauthorizedError('Token expired', { cause: error })
    }
    if (error instanceof errors.JOSEError) {
      throw new UnauthorizedError('Invalid token', { cause: error })
    }
    throw error
  }
}

/**
 * Verifies a signed-in user's access token: a valid signature, issuer `issuer` (the project's
 * `<SUPABASE_URL>/auth/v1`), audience `authenticated`, role `authenticated` and a uuid `sub`.
 * The issuer check refuses a token another project (or anything else holding a trusted key,
 * such as a shared legacy secret) signed for itself.
 *
 * @throws {UnauthorizedError} when any of these fails.
 */
export async function verifyUserJwt(
  token: string,
  keys: JwtKeys,
  issuer: string,
): Promise<UserClaims> {
  const payload = await verifySupabaseJwt(token, keys, { audience: 'authenticated', issuer })
  const claims = userClaimsSchema.safeParse(payload)
  if (!claims.success) throw new UnauthorizedError('Token is not a user access token')
  return claims.data
}
