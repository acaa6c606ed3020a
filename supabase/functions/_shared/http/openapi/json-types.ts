// Zod shapes of values as they appear in our JSON responses, for the response schemas.
import { z } from 'zod'

/** A timestamp as JSON carries it: ISO 8601 in UTC (`Date` serialises so; Postgres text too). */
export const timestamp = z.iso.datetime().meta({ id: 'Timestamp' })

/** Ids: any UUID-shaped value (seeded and test ids need not be RFC 4122 variants). */
export const id = z.guid().meta({ id: 'Id' })

/** A bigint id sent as a string so JSON keeps every digit. */
export const bigintId = z.string().regex(/^[0-9]+$/)

/** A free-form JSON object. */
export const jsonObject = z.record(z.string(), z.unknown())
