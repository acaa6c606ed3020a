// Typed errors of the sync engine, rendered by the one onError where they reach a route.
import { ConflictError } from '../http/errors.ts'

/**
 * The run's lease now belongs to someone else (ours expired and another run claimed it): the
 * run must stop without writing, and the page it was committing is rolled back.
 */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError'
  constructor() {
    super('The sync lease was lost to another run')
  }
}

/** A manual sync was asked for while another run holds the integration. */
export class SyncInProgressError extends ConflictError {
  constructor() {
    super('A sync of this integration is already running', { code: 'sync_in_progress' })
  }
}

/** A manual sync of an integration that the sync may not work on (paused, not connected). */
export class SyncNotPossibleError extends ConflictError {
  constructor(code: string, message: string) {
    super(message, { code })
  }
}

/**
 * One object of an integration cannot be synced as configured (its field mapping is not one we
 * can read, or the provider has no sync for it): that object's run fails with `code`, the
 * integration and its other objects carry on.
 */
export class ObjectSyncError extends Error {
  override name = 'ObjectSyncError'
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.code = code
  }
}
