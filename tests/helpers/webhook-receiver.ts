// A local alert receiver on 127.0.0.1 (port 0): records every POST and answers with a scripted
// series of replies (a status code, or `hang` to never answer until closed).

export interface ReceivedAlert {
  path: string
  headers: Headers
  /** The raw body, exactly as signed. */
  body: string
}

/** A status code to answer with, or `hang` to keep the request open (the sender times out). */
export type ReceiverReply = number | 'hang'

export interface WebhookReceiver {
  /** Base URL, e.g. http://127.0.0.1:41234; add any path. */
  url: string
  received: ReceivedAlert[]
  /** Replies for the next requests, in order; afterwards every request gets 200. */
  replyWith(...replies: ReceiverReply[]): void
  /** Delay before every reply, to keep requests in flight (concurrency tests). */
  delayMs: number
  close(): Promise<void>
}

/** Starts a receiver. Call `close()` in a `finally`: it releases hung requests first. */
export function startWebhookReceiver(): WebhookReceiver {
  const received: ReceivedAlert[] = []
  const replies: ReceiverReply[] = []
  const hung: Array<() => void> = []
  const receiver: WebhookReceiver = {
    url: '',
    received,
    delayMs: 0,
    replyWith: (...next) => void replies.push(...next),
    close: async () => {
      for (const release of hung.splice(0)) release()
      await server.shutdown()
    },
  }
  const server = Deno.serve(
    { hostname: '127.0.0.1', port: 0, onListen: () => {} },
    async (request) => {
      received.push({
        path: new URL(request.url).pathname,
        headers: request.headers,
        body: await request.text(),
      })
      const reply = replies.shift() ?? 200
      if (receiver.delayMs > 0) await new Promise((done) => setTimeout(done, receiver.delayMs))
      if (reply === 'hang') {
        await new Promise<void>((release) => hung.push(release))
        return new Response('closed', { status: 503 })
      }
      const headers: Record<string, string> = reply >= 300 && reply < 400
        ? { location: 'http://127.0.0.1:1/elsewhere' }
        : {}
      return new Response(reply === 204 ? null : 'ok', { status: reply, headers })
    },
  )
  receiver.url = `http://127.0.0.1:${server.addr.port}`
  return receiver
}
