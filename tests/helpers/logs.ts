// Captures the JSON logger's lines during a test.
import { setLogSink } from '../../supabase/functions/_shared/log.ts'

export interface CapturedLogs {
  /** Raw lines, as they would reach stdout. */
  lines: string[]
  /** The lines parsed. */
  entries(): Array<Record<string, unknown>>
  restore(): void
}

/** Routes log lines into memory until `restore()`. */
export function captureLogs(): CapturedLogs {
  const lines: string[] = []
  setLogSink((line) => lines.push(line))
  return {
    lines,
    entries: () => lines.map((line) => JSON.parse(line)),
    restore: () => setLogSink(undefined),
  }
}
