// A local HTTP endpoint that records each request and answers with a script: how the OAuth
// client tests see what our token, refresh and revoke calls send.

/** What one request carried. */
export interface SeenRequest {
  contentType: string | null
  authorization: string | null
  /** The body read as a form (a JSON body reads as one odd key; assert on contentType first). */
  form: Record<string, string>
}

/** Serves `path` on a free port for `run`, recording every request and answering `respond()`. */
export async function withScriptedEndpoint(
  path: string,
  respond: () => Response,
  run: (url: string, seen: SeenRequest[]) => Promise<void>,
): Promise<void> {
  const seen: SeenRequest[] = []
  const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: () => {} }, async (req) => {
    seen.push({
      contentType: req.headers.get('content-type'),
      authorization: req.headers.get('authorization'),
      form: Object.fromEntries(new URLSearchParams(await req.text())),
    })
    const response = respond()
    response.headers.set('connection', 'close')
    return response
  })
  try {
    await run(`http://127.0.0.1:${server.addr.port}${path}`, seen)
  } finally {
    await server.shutdown()
  }
}
