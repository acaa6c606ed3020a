// Streams a provider's response body to the caller with every occurrence of our credentials
// replaced, so an API that echoes the request (a debug endpoint, an error quoting the token)
// cannot hand a tenant's member the token that would let them call the provider directly.

const replacement = new TextEncoder().encode('[redacted]')

/** Secrets shorter than this are not searched for: they would match ordinary text. */
export const minSecretLength = 8

/** Index of the first occurrence of `needle` in `haystack` at or after `from`, or -1. */
function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]
  const last = haystack.length - needle.length
  for (let at = haystack.indexOf(first, from); at !== -1 && at <= last;) {
    let match = true
    for (let i = 1; i < needle.length; i++) {
      if (haystack[at + i] !== needle[i]) {
        match = false
        break
      }
    }
    if (match) return at
    at = haystack.indexOf(first, at + 1)
  }
  return -1
}

/** `bytes` with every occurrence of each needle replaced; the earliest match wins. */
function replaceAll(bytes: Uint8Array, needles: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = []
  let from = 0
  for (;;) {
    let best = -1
    let bestLength = 0
    for (const needle of needles) {
      const at = indexOfBytes(bytes, needle, from)
      if (at !== -1 && (best === -1 || at < best || (at === best && needle.length > bestLength))) {
        best = at
        bestLength = needle.length
      }
    }
    if (best === -1) break
    parts.push(bytes.subarray(from, best), replacement)
    from = best + bestLength
  }
  if (parts.length === 0) return bytes
  parts.push(bytes.subarray(from))
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/**
 * A byte stream transform that replaces each of `secrets` with `[redacted]`, also across chunk
 * boundaries: the last (longest secret − 1) bytes of a chunk wait for the next one, so a secret
 * split in two is still seen whole. Secrets shorter than `minSecretLength` are ignored.
 */
export function redactingStream(
  secrets: readonly string[],
): TransformStream<Uint8Array, Uint8Array> {
  const encoder = new TextEncoder()
  const needles = [...new Set(secrets)].filter((secret) => secret.length >= minSecretLength)
    .map((secret) => encoder.encode(secret))
  const keep = Math.max(0, ...needles.map((needle) => needle.length)) - 1
  let pending: Uint8Array = new Uint8Array(0)
  return new TransformStream({
    transform(chunk, controller) {
      if (needles.length === 0) {
        controller.enqueue(chunk)
        return
      }
      const replaced = replaceAll(concat(pending, chunk), needles)
      // Whatever could still begin a secret that the next chunk completes waits for it. A
      // replacement never ends inside the kept tail's start, as it is not a secret's prefix.
      const cut = Math.max(0, replaced.length - keep)
      if (cut > 0) controller.enqueue(replaced.slice(0, cut))
      pending = replaced.slice(cut)
    },
    flush(controller) {
      if (pending.length > 0) controller.enqueue(replaceAll(pending, needles))
    },
  })
}
