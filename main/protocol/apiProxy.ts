/**
 * The renderer calls relative `/api/*` URLs on `app://kiosk`; main forwards them to the configured
 * service and adds the kiosk key there, and only there. The key never reaches web content.
 */
import { appHost, appScheme } from './appUrl.ts'

export interface ServiceTarget {
  serviceUrl: URL
  kioskKey: string
}

export interface ProxyRequestInput {
  url: string
  method: string
  headers: Headers
  body: ArrayBuffer | null
}

export type ProxyPlan =
  | { ok: true; url: string; method: string; headers: Headers; body: ArrayBuffer | null }
  | { ok: false; status: number; reason: string }

/** Largest request body the renderer may send (lookups and checkouts are tiny JSON). */
export const maxProxyBodyBytes = 64 * 1024

const forwardedRequestHeaders = [
  'accept',
  'accept-language',
  'content-type',
  'if-none-match',
  'last-event-id',
]
const forwardedResponseHeaders = [
  'content-type',
  'content-language',
  'etag',
  'retry-after',
  'x-request-id',
]
const allowedMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * How long one proxied request may take. Electron hands the protocol handler a new Request without
 * the renderer's abort signal, so a request the renderer gave up on (an abandoned long-poll) would
 * otherwise hold its connection to the service until the service answers. Long-polls get the
 * `wait` they asked for plus a grace period; everything else a fixed deadline.
 */
export const proxyDeadlines = {
  defaultMs: 15_000,
  longPollGraceMs: 10_000,
  /** The service's own ceiling for `wait` (server/http/kioskRoutes.ts). */
  maxWaitSeconds: 3600,
} as const

export function proxyDeadlineMs(url: URL): number {
  const raw = url.searchParams.get('wait')
  const wait = raw === null || raw.trim() === '' ? Number.NaN : Number(raw)
  if (!Number.isFinite(wait) || wait <= 0) return proxyDeadlines.defaultMs
  return Math.min(wait, proxyDeadlines.maxWaitSeconds) * 1000 + proxyDeadlines.longPollGraceMs
}

export function isApiPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/')
}

/** The service URL for an `app://kiosk/api/...` URL, keeping the service's own path prefix. */
export function serviceUrlFor(appUrl: URL, serviceUrl: URL): URL {
  const target = new URL(serviceUrl.href)
  target.pathname = `${serviceUrl.pathname.replace(/\/+$/, '')}${appUrl.pathname}`
  target.search = appUrl.search
  target.hash = ''
  return target
}

/** Decides what to send upstream for one renderer request. Pure: no I/O. */
export function buildProxyRequest(input: ProxyRequestInput, target: ServiceTarget): ProxyPlan {
  let url: URL
  try {
    url = new URL(input.url)
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' }
  }
  if (url.protocol !== `${appScheme}:` || url.host !== appHost) {
    return { ok: false, status: 403, reason: 'only the kiosk origin is proxied' }
  }
  // The URL parser has already resolved dot segments, so this also refuses /api/../anything.
  if (!isApiPath(url.pathname)) return { ok: false, status: 404, reason: 'not an API path' }
  const method = input.method.toUpperCase()
  if (!allowedMethods.has(method)) {
    return { ok: false, status: 405, reason: `method ${method} is not proxied` }
  }
  if (input.body && input.body.byteLength > maxProxyBodyBytes) {
    return { ok: false, status: 413, reason: 'request body too large' }
  }
  const upstream = serviceUrlFor(url, target.serviceUrl)
  // Belt and braces: the key goes to the configured service origin and nowhere else.
  if (upstream.origin !== target.serviceUrl.origin) {
    return { ok: false, status: 502, reason: 'upstream is not the configured service' }
  }
  const headers = new Headers()
  for (const name of forwardedRequestHeaders) {
    const value = input.headers.get(name)
    if (value !== null) headers.set(name, value)
  }
  headers.set('authorization', `Bearer ${target.kioskKey}`)
  const sendsBody = method !== 'GET' && method !== 'HEAD'
  return {
    ok: true,
    url: upstream.href,
    method,
    headers,
    body: sendsBody ? (input.body ?? new ArrayBuffer(0)) : null,
  }
}

/** The service's answer as the renderer sees it: status and body kept, only safe headers, no caching. */
export function proxyResponse(upstream: Response): Response {
  const headers = new Headers({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
  for (const name of forwardedResponseHeaders) {
    const value = upstream.headers.get(name)
    if (value !== null) headers.set(name, value)
  }
  // Status codes the Response constructor refuses a body for.
  const bodyless = [101, 204, 205, 304].includes(upstream.status)
  return new Response(bodyless ? null : upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers,
  })
}

/** An API-shaped error (see common/api.ts) for failures of the proxy itself. */
export function proxyErrorResponse(status: number, message: string): Response {
  return Response.json(
    { error: { code: status === 400 ? 'invalid_request' : 'internal', message } },
    { status, headers: { 'cache-control': 'no-store' } },
  )
}
