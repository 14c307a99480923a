/**
 * The kiosk's log: electron-log writing rotating files (main.log, main.1.log, … main.N.log) in the
 * app's log folder. Every line passes through a redaction hook first: card numbers, track data and
 * bearer keys never reach disk, whatever a caller passes in.
 *
 * Uses electron-log's Node entry (no IPC from renderers: the renderer does not write to this log),
 * so the same code runs under plain Node in the tests.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, extname, join } from 'node:path'
import electronLog from 'electron-log/node'

type LogLevel = 'error' | 'warn' | 'info' | 'verbose' | 'debug'

export interface KioskLog {
  error(...data: unknown[]): void
  warn(...data: unknown[]): void
  info(...data: unknown[]): void
  debug(...data: unknown[]): void
}

/** Keeps the last four digits of a long digit run, like the service's maskId. */
function maskDigits(digits: string): string {
  return `${'•'.repeat(Math.min(digits.length - 4, 8))}${digits.slice(-4)}`
}

/**
 * Removes what must never be logged. Track data first (";123456789=2512?" or "%B…^NAME^…?"), then
 * any run of 6+ digits (card and patron ids; ports and short counts stay readable), then keys.
 */
export function redactLogText(text: string): string {
  return text
    .replace(/%B\d[^?\s]*\??/g, '[track data]')
    .replace(/;\d{4,}=[^?\s]*\??/g, '[track data]')
    .replace(/\d{6,}/g, maskDigits)
    .replace(/(bearer\s+)[^\s"',;]+/gi, '$1[redacted]')
    .replace(
      /("?(?:kioskKey|kioskKeyProtected|authorization)"?\s*[:=]\s*"?)(?!bearer\s)[^\s"',}]+/gi,
      '$1[redacted]',
    )
}

export function redactLogValue(value: unknown): unknown {
  if (typeof value === 'string') return redactLogText(value)
  if (value instanceof Error) {
    return redactLogText(`${value.name}: ${value.message}${value.stack ? `\n${value.stack}` : ''}`)
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return value
  try {
    return redactLogText(JSON.stringify(value))
  } catch {
    return '[unserialisable value]'
  }
}

/** main.log → main.1.log → … → main.<keep>.log; the oldest is deleted. Synchronous, as electron-log requires. */
export function rotateLogFiles(current: string, keep: number): void {
  const dir = dirname(current)
  const ext = extname(current)
  const stem = basename(current, ext)
  const numbered = (index: number) => join(dir, `${stem}.${String(index)}${ext}`)
  rmSync(numbered(keep), { force: true })
  for (let index = keep - 1; index >= 1; index -= 1) {
    if (existsSync(numbered(index))) renameSync(numbered(index), numbered(index + 1))
  }
  renameSync(current, numbered(1))
}

export interface KioskLoggerOptions {
  /** Full path of the current log file, e.g. <logs>/main.log. */
  file: string
  level: LogLevel
  /** Size at which the file rotates. */
  maxBytes?: number
  /** Rotated files kept besides the current one. */
  keep?: number
  console?: boolean
}

let loggerCount = 0

export function createKioskLogger(options: KioskLoggerOptions): KioskLog {
  loggerCount += 1
  mkdirSync(dirname(options.file), { recursive: true })
  const log = electronLog.create({ logId: `kiosk-${String(loggerCount)}` })
  const keep = options.keep ?? 5
  const file = log.transports.file
  file.resolvePathFn = () => options.file
  file.level = options.level
  file.maxSize = options.maxBytes ?? 5 * 1024 * 1024
  file.archiveLogFn = (oldFile) => {
    rotateLogFiles(oldFile.path, keep)
  }
  log.transports.console.level = options.console ? options.level : false
  log.hooks.push((message) => ({ ...message, data: message.data.map(redactLogValue) }))
  return {
    error: (...data) => {
      log.error(...data)
    },
    warn: (...data) => {
      log.warn(...data)
    },
    info: (...data) => {
      log.info(...data)
    },
    debug: (...data) => {
      log.debug(...data)
    },
  }
}
