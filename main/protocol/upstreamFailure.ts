/**
 * Why a request from main to the service failed, in words IT can act on. Electron's `net.fetch`
 * (Chromium's network stack) differs from Node's fetch here: with `redirect: 'manual'` it rejects
 * with "Redirect was cancelled" instead of returning the 3xx, so a service that redirects (http →
 * https, an SSO proxy in front of it) would otherwise read as "unreachable".
 */

/** What the log and the out-of-order page say when the service answers with a redirect. */
export const serviceRedirectedAdvice = 'the service redirected: check service.url'

export type UpstreamFailure =
  | { kind: 'timeout'; detail: string }
  | { kind: 'redirected'; detail: string }
  | { kind: 'unreachable'; detail: string }

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  // Node's fetch wraps the socket error ("fetch failed", cause: ECONNREFUSED …).
  return error.cause instanceof Error ? error.cause.message : error.message
}

/** True for net.fetch's rejection of a redirect under `redirect: 'manual'`. */
function isRedirectRejection(error: unknown): boolean {
  return error instanceof Error && /redirect was cancelled/i.test(error.message)
}

/** True for an HTTP status that is a redirect (Node's fetch returns these under 'manual'). */
export function isRedirectStatus(status: number): boolean {
  return status >= 300 && status < 400 && status !== 304
}

export function describeUpstreamFailure(error: unknown): UpstreamFailure {
  if (isRedirectRejection(error)) return { kind: 'redirected', detail: serviceRedirectedAdvice }
  if (error instanceof Error && error.name === 'TimeoutError') {
    return { kind: 'timeout', detail: 'no answer before the deadline' }
  }
  return { kind: 'unreachable', detail: messageOf(error) }
}
