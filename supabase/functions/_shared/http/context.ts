// The typed context every function app shares: the request id and a logger bound to it.
import type { Logger } from '../log.ts'

/** Variables set on every request by the app factory, before any route runs. */
export interface AppVariables {
  requestId: string
  log: Logger
}

/** The Hono env of every function app; route-level middleware (auth) adds its own variables. */
export type AppEnv = { Variables: AppVariables }
