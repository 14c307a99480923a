/**
 * The shared fake stands in for Electron's classes at runtime; main's functions are typed with
 * Electron's own types. This is the one place a test says "treat this fake as the real thing".
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- a typed cast, by design
export function asElectron<T>(fake: unknown): T {
  return fake as T
}

export interface RecordingLog {
  lines: string[]
  error(...data: unknown[]): void
  warn(...data: unknown[]): void
  info(...data: unknown[]): void
  debug(...data: unknown[]): void
}

/** A KioskLog that keeps lines in memory, for asserting what was (and was not) logged. */
export function recordingLog(): RecordingLog {
  const lines: string[] = []
  const record =
    (level: string) =>
    (...data: unknown[]) => {
      lines.push(`${level} ${data.map(String).join(' ')}`)
    }
  return {
    lines,
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    debug: record('debug'),
  }
}
