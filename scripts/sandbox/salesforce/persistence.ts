// The sandbox's state on disk, so `npm run stack -- down` + `npm start` keeps orgs, users,
// records, connected apps, grants and tokens: a JSON snapshot written atomically (temp file +
// rename) after changes and at shutdown, and read at start. Query locators, faults, the request
// log and per-endpoint counters are per process and start afresh.

import type { SandboxEnv } from './env.ts'
import type { StateSnapshot } from './state.ts'
import type { AccessToken, AuthCode, Grant, PendingAuthorization, RefreshToken } from './tokens.ts'

/** Bumped when the shape changes; a file of another version is ignored (the sandbox re-seeds). */
export const snapshotVersion = 1

export interface TokensSnapshot {
  pending: PendingAuthorization[]
  codes: AuthCode[]
  grants: Grant[]
  refreshTokens: RefreshToken[]
  accessTokens: AccessToken[]
}

export interface SandboxSnapshot {
  version: typeof snapshotVersion
  /** Sandbox time when written: a restored clock never runs behind it. */
  savedAt: number
  state: StateSnapshot
  tokens: TokensSnapshot
}

/**
 * The snapshot in `path`, or undefined when there is none (first start, after a reset) or it is
 * of another version. A file that is not JSON is an error: it is not ours to overwrite silently.
 */
export async function loadSnapshot(path: string): Promise<SandboxSnapshot | undefined> {
  let text: string
  try {
    text = await Deno.readTextFile(path)
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined
    throw error
  }
  const snapshot = JSON.parse(text) as SandboxSnapshot
  return snapshot.version === snapshotVersion ? snapshot : undefined
}

/**
 * Writes `snapshot` to `path` atomically: a reader (or a crash mid-write) sees the old file or
 * the new one, never half of one. Owner-only: it holds the sandbox's tokens and client secrets.
 */
export async function saveSnapshot(path: string, snapshot: SandboxSnapshot): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf('/')) || '.'
  await Deno.mkdir(dir, { recursive: true })
  const temp = `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`
  try {
    await Deno.writeTextFile(temp, JSON.stringify(snapshot), { mode: 0o600 })
    await Deno.rename(temp, path)
  } catch (error) {
    await Deno.remove(temp).catch(() => {})
    throw error
  }
}

/** The sandbox's world and tokens as a snapshot. */
export function takeSnapshot(env: Pick<SandboxEnv, 'state' | 'tokens' | 'clock'>): SandboxSnapshot {
  const { tokens } = env
  return {
    version: snapshotVersion,
    savedAt: env.clock.now(),
    state: env.state.snapshot(),
    tokens: {
      pending: [...tokens.pending.values()],
      codes: [...tokens.codes.values()],
      grants: [...tokens.grants.values()],
      refreshTokens: [...tokens.refreshTokens.values()],
      accessTokens: [...tokens.accessTokens.values()],
    },
  }
}

/** Replaces the world and tokens of `env` with the snapshot's. */
export function restoreSnapshot(
  env: Pick<SandboxEnv, 'state' | 'tokens' | 'clock'>,
  snapshot: SandboxSnapshot,
): void {
  env.state.restore(snapshot.state)
  const { tokens } = env
  tokens.clear()
  for (const p of snapshot.tokens.pending) tokens.pending.set(p.id, p)
  for (const c of snapshot.tokens.codes) tokens.codes.set(c.code, c)
  for (const g of snapshot.tokens.grants) tokens.grants.set(g.id, g)
  for (const r of snapshot.tokens.refreshTokens) tokens.refreshTokens.set(r.token, r)
  for (const a of snapshot.tokens.accessTokens) tokens.accessTokens.set(a.token, a)
  // A clock set by the caller (tests) must not start before the saved world's last write.
  const behind = snapshot.savedAt - env.clock.now()
  if (behind > 0) env.clock.advance(behind)
}
