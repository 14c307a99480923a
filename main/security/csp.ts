/**
 * Content-Security-Policy headers for what main serves on `app://kiosk`. Sent as response headers
 * by the protocol handler, so they apply before any byte of the page runs.
 */
import { createHash } from 'node:crypto'

const lockedDown = [
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "worker-src 'none'",
]

/**
 * The renderer: its own scripts, styles and fonts only; API calls to its own origin (main proxies
 * them); images also from https and data: (a library logo URL from the kiosk settings).
 */
export function rendererCsp(): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    ...lockedDown,
  ].join('; ')
}

export function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`
}

/** Main's static status pages: no scripts at all, and exactly one inline stylesheet by hash. */
export function statusPageCsp(inlineStyle: string): string {
  return [
    "default-src 'none'",
    `style-src ${sha256Source(inlineStyle)}`,
    'img-src data:',
    ...lockedDown,
  ].join('; ')
}
