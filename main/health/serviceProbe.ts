/**
 * Can this kiosk use its service? Asks for the kiosk settings with the kiosk key, which proves the
 * network path, the service and the key in one request.
 */
import { apiPaths } from '../../common/api.ts'
import { serviceUrlFor, type ServiceTarget } from '../protocol/apiProxy.ts'
import {
  describeUpstreamFailure,
  isRedirectStatus,
  serviceRedirectedAdvice,
} from '../protocol/upstreamFailure.ts'

export type ProbeResult =
  | { kind: 'ok' }
  /** Network error, timeout or a server error: worth retrying by itself. */
  | { kind: 'unreachable'; detail: string }
  /** The service refused this kiosk's key: a configuration problem for IT. */
  | { kind: 'rejected'; status: number }

export type ProbeFetch = (url: string, init: RequestInit) => Promise<Response>

export async function probeService(
  target: ServiceTarget,
  fetchFn: ProbeFetch,
  timeoutMs = 8_000,
): Promise<ProbeResult> {
  const url = serviceUrlFor(new URL(apiPaths.kioskSettings, 'app://kiosk'), target.serviceUrl)
  let response: Response
  try {
    response = await fetchFn(url.href, {
      headers: { authorization: `Bearer ${target.kioskKey}`, accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    })
  } catch (error) {
    const failure = describeUpstreamFailure(error)
    return {
      kind: 'unreachable',
      detail:
        failure.kind === 'redirected'
          ? `Service ${target.serviceUrl.origin}: ${failure.detail}`
          : `Service ${target.serviceUrl.origin} unreachable: ${failure.detail}`,
    }
  }
  // The body is not needed; release the connection.
  await response.body?.cancel().catch(() => undefined)
  if (response.ok) return { kind: 'ok' }
  if (isRedirectStatus(response.status)) {
    return {
      kind: 'unreachable',
      detail: `Service ${target.serviceUrl.origin}: ${serviceRedirectedAdvice}`,
    }
  }
  if (response.status === 401 || response.status === 403) {
    return { kind: 'rejected', status: response.status }
  }
  return {
    kind: 'unreachable',
    detail: `Service ${target.serviceUrl.origin} answered HTTP ${String(response.status)}`,
  }
}
