// Comparison of secret strings in time that does not depend on where they first differ.

/** True when `a` equals `b`; the time taken depends only on the lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a)
  const right = new TextEncoder().encode(b)
  // Compare against the longer length so a short guess costs as much as a long one.
  const length = Math.max(left.length, right.length)
  let difference = left.length ^ right.length
  for (let i = 0; i < length; i++) difference |= (left[i] ?? 0) ^ (right[i] ?? 0)
  return difference === 0
}
