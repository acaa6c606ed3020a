// OAuth artefacts: pending approvals, single-use auth codes, grants, refresh and access tokens.

import { randomToken } from './data/random.ts'
import type { OrgKind } from './state.ts'

export interface PendingAuthorization {
  id: string
  clientId: string
  redirectUri: string
  state: string | null
  scopes: string[]
  codeChallenge: string | null
  codeChallengeMethod: 'S256' | 'plain'
  family: OrgKind
  /** Restricts login to one org when the request came to its My Domain. */
  orgId: string | null
  expiresAt: number
}

export interface AuthCode {
  code: string
  clientId: string
  userId: string
  orgId: string
  redirectUri: string
  scopes: string[]
  codeChallenge: string | null
  codeChallengeMethod: 'S256' | 'plain'
  family: OrgKind
  expiresAt: number
  used: boolean
}

/** One approval of an app by a user: the thing a refresh token represents. */
export interface Grant {
  id: string
  clientId: string
  userId: string
  orgId: string
  scopes: string[]
  family: OrgKind
  createdAt: number
  revoked: boolean
  /** The refresh token currently valid for this grant. */
  currentRefreshToken: string | null
}

export interface RefreshToken {
  token: string
  grantId: string
  /** Rotated away: presenting it again is reuse and revokes the grant. */
  rotated: boolean
}

export interface AccessToken {
  token: string
  clientId: string
  userId: string
  orgId: string
  grantId: string | null
  issuedAt: number
  expiresAt: number
  revoked: boolean
}

export class TokenStore {
  readonly pending = new Map<string, PendingAuthorization>()
  readonly codes = new Map<string, AuthCode>()
  readonly grants = new Map<string, Grant>()
  readonly refreshTokens = new Map<string, RefreshToken>()
  readonly accessTokens = new Map<string, AccessToken>()

  clear(): void {
    this.pending.clear()
    this.codes.clear()
    this.grants.clear()
    this.refreshTokens.clear()
    this.accessTokens.clear()
  }

  newCode(fields: Omit<AuthCode, 'code' | 'used'>): AuthCode {
    // Real codes are long base64 with `=` padding, so clients must URL-decode them once.
    const code: AuthCode = { ...fields, code: `aPrx${randomToken(60)}==`, used: false }
    this.codes.set(code.code, code)
    return code
  }

  newGrant(fields: Omit<Grant, 'id' | 'revoked' | 'currentRefreshToken'>): Grant {
    const grant: Grant = {
      ...fields,
      id: randomToken(12),
      revoked: false,
      currentRefreshToken: null,
    }
    this.grants.set(grant.id, grant)
    return grant
  }

  issueRefreshToken(grant: Grant): string {
    if (grant.currentRefreshToken) {
      const old = this.refreshTokens.get(grant.currentRefreshToken)
      if (old) old.rotated = true
    }
    const token = `5Aep861${randomToken(64).replace(/[-_]/g, '.')}`
    this.refreshTokens.set(token, { token, grantId: grant.id, rotated: false })
    grant.currentRefreshToken = token
    return token
  }

  issueAccessToken(fields: Omit<AccessToken, 'token' | 'revoked'>, orgId15: string): AccessToken {
    const at: AccessToken = {
      ...fields,
      token: `${orgId15}!AR${randomToken(72).replace(/-/g, '.')}`,
      revoked: false,
    }
    this.accessTokens.set(at.token, at)
    return at
  }

  /** Revokes a grant with every refresh and access token issued from it. */
  revokeGrant(grant: Grant): void {
    grant.revoked = true
    grant.currentRefreshToken = null
    for (const at of this.accessTokens.values()) {
      if (at.grantId === grant.id) at.revoked = true
    }
  }

  activeGrants(clientId: string, userId: string): Grant[] {
    return [...this.grants.values()]
      .filter((g) =>
        !g.revoked && g.clientId === clientId && g.userId === userId && g.currentRefreshToken
      )
      .sort((a, b) => a.createdAt - b.createdAt)
  }

  /** The valid session for a bearer token, or null (expired, revoked, unknown). */
  session(token: string, now: number): AccessToken | null {
    const at = this.accessTokens.get(token)
    if (!at || at.revoked || now >= at.expiresAt) return null
    return at
  }

  /** Forgets tokens and codes that can no longer be used, so long runs do not grow memory. */
  prune(now: number): void {
    for (const [k, c] of this.codes) if (c.expiresAt <= now) this.codes.delete(k)
    for (const [k, p] of this.pending) if (p.expiresAt <= now) this.pending.delete(k)
    for (const [k, a] of this.accessTokens) {
      if (a.revoked || a.expiresAt <= now - 86_400_000) this.accessTokens.delete(k)
    }
  }
}
