/**
 * The kiosk renderer's Content-Security-Policy, defined once. Main sends it as a header on every
 * `app://kiosk` page (main/security/csp.ts); the renderer build writes the same policy into
 * index.html's meta element (renderer/vite.config.ts), so the page is as strict when opened any
 * other way. Images come from the renderer's own origin (and data: URLs it makes itself): the library
 * logo arrives through the kiosk API (`/api/v1/logo`), which main proxies, never from another host.
 */

/** Where the renderer runs: Electron's kiosk, or the browser preview (`npm run demo`, e2e). */
export type RendererHost = 'electron' | 'browser'

type Directives = Readonly<Record<string, readonly string[]>>

const shared: Directives = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  // data: for the "Pay on your phone" QR code (an SVG drawn as an image, where it runs no script).
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'manifest-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'object-src': ["'none'"],
  'worker-src': ["'none'"],
}

/**
 * The one difference between the hosts: Electron shows CashNet in its own sandboxed view, so the
 * renderer frames nothing; the browser preview has no such view and frames the checkout page.
 */
const frames: Readonly<Record<RendererHost, readonly string[]>> = {
  electron: ["'none'"],
  browser: ['http:', 'https:'],
}

/** Browsers ignore these in a meta element, so only the header carries them. */
const headerOnly: Directives = { 'frame-ancestors': ["'none'"] }

function serialise(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ')
}

/** The policy index.html's meta element carries. */
export function rendererMetaCsp(host: RendererHost): string {
  return serialise({ ...shared, 'frame-src': frames[host] })
}

/** The policy main sends as a header with the Electron kiosk's pages: the meta's, plus header-only directives. */
export function rendererHeaderCsp(): string {
  return serialise({ ...shared, 'frame-src': frames.electron, ...headerOnly })
}
