/**
 * Log hygiene: card numbers, Alma ids and patron names never reach a log line in full.
 */

/** Keeps the last four characters of an identifier, e.g. "•••••6789". */
export function maskId(id: string): string {
  if (id.length <= 4) return '•'.repeat(id.length)
  return `${'•'.repeat(Math.min(id.length - 4, 8))}${id.slice(-4)}`
}

/** An address shown to staff as where something went: `j•••@sjsu.edu`. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@')
  if (at < 1) return maskId(address)
  return `${address.slice(0, 1)}•••${address.slice(at)}`
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

/**
 * Strips what in a URL is a credential or names a patron: a postback secret
 * (`/cashnet/postback/<secret>`), a pay link's token (`/pay/l/<token>`), the `jwt`, `code`, `state`
 * and `token` query parameters (Primo's token, the identity provider's code), and the staff API's
 * `patronId` and `q` (an Alma user id or barcode, or a payment search that may be one).
 */
export function redactUrl(url: string): string {
  return url
    .replace(/(\/cashnet\/postback\/)[^/?#]+/i, '$1[secret]')
    .replace(/(\/pay\/l\/)[^/?#]+/i, '$1[token]')
    .replace(/([?&](?:jwt|code|state|token|patronId|q)=)[^&#]*/gi, '$1[redacted]')
}
