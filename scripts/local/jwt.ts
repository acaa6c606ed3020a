// The local stack's ES256 signing key (persisted as JWK under $STATE_DIR/keys) and user JWTs
// shaped like the ones Supabase Auth issues, for curl, the gateway and tests.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from 'jose'

/** A private signing key and its public half as published in the JWKS. */
export interface SigningKey {
  kid: string
  privateKey: CryptoKey
  publicJwk: JWK
}

/** A JSON Web Key Set, as served at /auth/v1/.well-known/jwks.json. */
export interface Jwks {
  keys: JWK[]
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** `$STATE_DIR`, or `<repo>/.local` (git-ignored), where the local stack keeps its state. */
export function defaultStateDir(): string {
  return Deno.env.get('STATE_DIR') || join(repoRoot, '.local')
}

/** The base URL tokens name as issuer: `$SUPABASE_URL`, else the local gateway. */
export function defaultSupabaseUrl(): string {
  return Deno.env.get('SUPABASE_URL') ||
    `http://127.0.0.1:${Deno.env.get('GATEWAY_PORT') || '54321'}`
}

async function fromPrivateJwk(jwk: JWK): Promise<SigningKey> {
  const privateKey = await importJWK(jwk, 'ES256') as CryptoKey
  const { kty, crv, x, y, kid } = jwk
  return {
    kid: kid!,
    privateKey,
    publicJwk: { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' },
  }
}

async function generatePrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true })
  const jwk = await exportJWK(privateKey)
  // The thumbprint (RFC 7638) makes a stable, unique kid without a registry of key ids.
  const kid = await calculateJwkThumbprint(jwk)
  return { ...jwk, kid, alg: 'ES256', use: 'sig' }
}

/** A new in-memory ES256 key: tests use it for "signed by some other key". */
export async function generateSigningKey(): Promise<SigningKey> {
  return fromPrivateJwk(await generatePrivateJwk())
}

/**
 * Loads the stack's signing key from `<stateDir>/keys/signing-key.json`, creating it on first
 * use. Creation is race-free: the file appears complete (hard link of a finished temp file) or
 * not at all, and the loser of a race reads the winner's key.
 */
export async function loadOrCreateSigningKey(stateDir = defaultStateDir()): Promise<SigningKey> {
  const path = join(stateDir, 'keys', 'signing-key.json')
  try {
    return await fromPrivateJwk(JSON.parse(await Deno.readTextFile(path)))
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error
  }
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const temp = `${path}.${crypto.randomUUID()}.tmp`
  await Deno.writeTextFile(temp, JSON.stringify(await generatePrivateJwk(), null, 2), {
    mode: 0o600,
  })
  try {
    await Deno.link(temp, path)
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error
  } finally {
    await Deno.remove(temp)
  }
  return fromPrivateJwk(JSON.parse(await Deno.readTextFile(path)))
}

/** The public JWKS for `keys` (never any private part). */
export function publicJwks(...keys: SigningKey[]): Jwks {
  return { keys: keys.map((key) => key.publicJwk) }
}

/** What a minted token says; defaults match a fresh password sign-in. */
export interface MintUserJwtOptions {
  sub: string
  email?: string
  role?: string
  /** Seconds from now until `exp`; negative mints an already expired token. */
  expiresIn?: number
  audience?: string
  /** Project URL; `iss` is `<supabaseUrl>/auth/v1`. */
  supabaseUrl?: string
  sessionId?: string
  aal?: 'aal1' | 'aal2'
  appMetadata?: Record<string, unknown>
  userMetadata?: Record<string, unknown>
  isAnonymous?: boolean
  /** Extra or overriding claims, for tests of odd tokens. */
  claims?: Record<string, unknown>
  /** Signing key; default the stack's persisted key. */
  key?: SigningKey
}

/**
 * Mints an access token with the claims Supabase Auth puts in one (iss, aud, sub, email, role,
 * aal, session_id, iat, exp, app_metadata, user_metadata, is_anonymous), signed ES256.
 *
 * @example const jwt = await mintUserJwt({ sub: userId, email: 'ann@example.com' })
 */
export async function mintUserJwt(options: MintUserJwtOptions): Promise<string> {
  const key = options.key ?? await loadOrCreateSigningKey()
  const now = Math.floor(Date.now() / 1000)
  const claims = {
    iss: `${options.supabaseUrl ?? defaultSupabaseUrl()}/auth/v1`,
    aud: options.audience ?? 'authenticated',
    sub: options.sub,
    email: options.email ?? '',
    phone: '',
    role: options.role ?? 'authenticated',
    aal: options.aal ?? 'aal1',
    amr: [{ method: 'password', timestamp: now }],
    session_id: options.sessionId ?? crypto.randomUUID(),
    iat: now,
    exp: now + (options.expiresIn ?? 3600),
    app_metadata: options.appMetadata ?? { provider: 'email', providers: ['email'] },
    user_metadata: options.userMetadata ?? {},
    is_anonymous: options.isAnonymous ?? false,
    ...options.claims,
  }
  return await new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey)
}
