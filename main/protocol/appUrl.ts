/**
 * The kiosk's own origin: the renderer is served from `app://kiosk/`, never `file://`, so it gets
 * a real origin for CSP and the sender checks, and no access to the file system.
 */
export const appScheme = 'app'
export const appHost = 'kiosk'
const appOrigin = `${appScheme}://${appHost}`
export const rendererEntryUrl = `${appOrigin}/index.html`

/** Host-owned screens served by main itself, independent of the renderer's code. */
export const statusPaths = {
  notConfigured: '/_status/not-configured',
  outOfOrder: '/_status/out-of-order',
} as const

export const statusPageUrls = {
  notConfigured: `${appOrigin}${statusPaths.notConfigured}`,
  outOfOrder: `${appOrigin}${statusPaths.outOfOrder}`,
} as const

export function parseAppUrl(raw: string): URL | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return null
  }
  // A custom scheme's URL has an opaque origin in WHATWG terms, so compare scheme and host.
  if (url.protocol !== `${appScheme}:` || url.host !== appHost) return null
  if (url.username || url.password) return null
  return url
}

export function isAppUrl(raw: string): boolean {
  return parseAppUrl(raw) !== null
}

/** The renderer's pages (not the status pages, which never talk to the bridge). */
export function isRendererUrl(raw: string): boolean {
  const url = parseAppUrl(raw)
  return url !== null && !url.pathname.startsWith('/_status/')
}
