// One HTTP exchange with a provider, its body read in full within a time limit: what every
// provider API client does per call, so a hung or dribbling answer costs at most the limit.
import { ProviderError } from './errors.ts'

export interface ExchangeOptions {
  /** The caller's own abort (a run's budget): passed through as is, not turned into an error. */
  signal?: AbortSignal
  timeoutMs: number
  /** The provider's name and the error code for "could not be reached". */
  provider: string
  unreachableCode: string
}

/**
 * Sends `request` and reads its body within `timeoutMs`. Returns a response whose body is the
 * text read (so it can be read again), with the original status and headers.
 *
 * @throws {ProviderError} `unreachableCode` when the exchange failed or timed out; the caller's
 * own abort is rethrown as it came.
 */
export async function timedExchange(
  send: typeof fetch,
  request: Request,
  options: ExchangeOptions,
): Promise<Response> {
  const callerSignal = options.signal
  const signal = callerSignal
    ? AbortSignal.any([callerSignal, AbortSignal.timeout(options.timeoutMs)])
    : AbortSignal.timeout(options.timeoutMs)
  let response: Response
  let text: string
  try {
    response = await send(new Request(request, { signal }))
    text = await response.text()
  } catch (error) {
    if (callerSignal?.aborted) throw error
    throw new ProviderError(`${options.provider} could not be reached`, {
      code: options.unreachableCode,
      cause: error,
    })
  }
  return new Response(text === '' ? null : text, {
    status: response.status,
    headers: response.headers,
  })
}
