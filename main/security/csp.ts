/**
 * Content-Security-Policy headers for what main serves on `app://kiosk`. Sent as response headers
 * by the protocol handler, so they apply before any byte of the page runs.
 */
import { createHash } from 'node:crypto'
import { rendererHeaderCsp } from '../../common/kioskCsp.ts'

const lockedDown = [
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "worker-src 'none'",
]

/**
 * The renderer: its own scripts, styles, fonts and images only (the logo comes through the proxied
 * API); API calls to its own origin (main proxies them). The same list as index.html's meta
 * element, from common/kioskCsp.ts.
 */
export function rendererCsp(): string {
  return rendererHeaderCsp()
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
