/**
 * Log hygiene: card numbers, Alma ids and patron names never reach a log line in full.
 */

/** Keeps the last four characters of an identifier, e.g. "•••••6789". */
export function maskId(id: string): string {
  if (id.length <= 4) return '•'.repeat(id.length)
  return `${'•'.repeat(Math.min(id.length - 4, 8))}${id.slice(-4)}`
}

/** pino `redact` paths for anything that could carry a secret or patron data. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.apiKey',
  '*.cardNumber',
  '*.firstName',
  '*.lastName',
  '*.displayName',
]

/** Strips a postback secret (the last path segment of /cashnet/postback/<secret>) from a URL. */
export function redactUrl(url: string): string {
  return url.replace(/(\/cashnet\/postback\/)[^/?#]+/i, '$1[secret]')
}
