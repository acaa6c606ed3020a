// What the sync-cron routes answer, for the OpenAPI document (and the typed client).
import { z } from 'zod'
import { bigintId, id } from '../_shared/http/openapi/json-types.ts'
import { describeRoute } from '../_shared/http/openapi/route-docs.ts'

/** One run's summary, as a tick and "sync now" report it. */
export const runSummarySchema = z.object({
  integration_id: id,
  /** contact, account, lead, or the provider's API name of another object. */
  object: z.string(),
  run_id: bigintId.nullable(),
  trigger: z.enum(['cron', 'manual']),
  status: z.enum(['succeeded', 'partial', 'failed', 'abandoned', 'error']),
  pages: z.number().int(),
  records_upserted: z.number().int(),
  records_deleted: z.number().int(),
  api_calls: z.number().int(),
  duration_ms: z.number(),
  error_code: z.string().nullable(),
}).meta({ id: 'RunSummary' })

const tickSummary = z.object({
  tick: z.string(),
  claimed: z.number().int(),
  runs: z.array(runSummarySchema),
  released: z.number().int(),
  duration_ms: z.number(),
  budget_exhausted: z.boolean(),
  cpu_estimate_ms: z.number(),
  cpu_measured: z.boolean(),
  alerts: z.union([
    z.object({ delivered: z.number().int(), retried: z.number().int(), failed: z.number().int() }),
    z.object({ error: z.literal('alert_delivery_failed') }),
  ]),
})

export const docs = {
  tick: describeRoute({
    summary: "pg_cron's tick: sync what is due, then send due alerts (the sync secret)",
    responses: { 200: { description: 'What the tick did', body: tickSummary } },
  }),
  syncNow: describeRoute({
    summary: 'Sync one integration now (owners, admins)',
    description: 'Runs each synced object of the integration, contacts first, within one ' +
      'budget. `run` is the contact run; `objects` holds every run (an object another run ' +
      'holds is left out). A failed run is a 200 with its `status` failed and its ' +
      "`error_code`; the integration's events and runs hold the message.",
    responses: {
      200: {
        description: 'The runs',
        body: z.object({ run: runSummarySchema, objects: z.array(runSummarySchema) }),
      },
    },
    errors: [
      'not_found',
      'forbidden',
      'sync_in_progress',
      'reauth_required',
      'sync_paused',
      'not_connected',
    ],
  }),
}
