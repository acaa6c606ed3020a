// The token set an integration keeps in Vault: one JSON, written in one Vault write.
import { z } from 'zod'

/**
 * Access and refresh token travel together so a rotated refresh token is never saved apart
 * from the access token that came with it. `instance_url` is the API base the provider gave.
 */
export const storedTokensSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  instance_url: z.url(),
  /** The provider's issue time, milliseconds since the epoch (Salesforce sends no expiry). */
  issued_at: z.number().int().optional(),
  scope: z.string().optional(),
})
export type StoredTokens = z.infer<typeof storedTokensSchema>
