/**
 * Recognising CashNet's return to our `signouturl` (`<service public URL>/cashnet/return`). CashNet
 * may send the browser back with a GET (a link or a redirect) or a POST (a form, when the store is
 * set to "redirect using HTTP post"). The return only means the patron left the CashNet page: it is
 * never evidence of payment, which only the service's verified postback is.
 */
import { isAllowedCheckoutSubframeUrl, isAllowedCheckoutUrl } from '../security/navigationPolicy.ts'

export interface CheckoutPolicy {
  allowedOrigins: readonly string[]
  returnUrl: URL
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path
}

/** Same origin and path as the signouturl; query, fragment and trailing slash do not matter. */
export function isReturnUrl(raw: string, returnUrl: URL): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.username || url.password) return false
  return (
    url.origin === returnUrl.origin && trimSlash(url.pathname) === trimSlash(returnUrl.pathname)
  )
}

export type CheckoutRequestVerdict = 'return' | 'allow' | 'block'

export interface CheckoutRequest {
  url: string
  /** GET or POST (anything else is judged the same way). */
  method: string
  resourceType: string
}

/**
 * What to do with one request from the CashNet view (`webRequest.onBeforeRequest`, which sees POSTs
 * and redirects that `will-navigate` may not).
 */
export function classifyCheckoutRequest(
  request: CheckoutRequest,
  policy: CheckoutPolicy,
): CheckoutRequestVerdict {
  const isFrame = request.resourceType === 'mainFrame' || request.resourceType === 'subFrame'
  if (!isFrame) return 'allow'
  if (isReturnUrl(request.url, policy.returnUrl)) return 'return'
  if (request.resourceType === 'mainFrame') {
    return isAllowedCheckoutUrl(request.url, policy.allowedOrigins) ? 'allow' : 'block'
  }
  return isAllowedCheckoutSubframeUrl(request.url) ? 'allow' : 'block'
}

/**
 * A request in the CashNet partition that belongs to no web contents (`webContentsId` missing:
 * dedicated, shared and service workers, which 3-D Secure pages may use). It cannot navigate, so
 * it is never a return; it may go where a frame of the CashNet page may load from.
 */
export function classifyDetachedCheckoutRequest(
  request: Pick<CheckoutRequest, 'url'>,
  policy: CheckoutPolicy,
): 'allow' | 'block' {
  return isAllowedCheckoutUrl(request.url, policy.allowedOrigins) ||
    isAllowedCheckoutSubframeUrl(request.url)
    ? 'allow'
    : 'block'
}

/** The same decision for `will-navigate` / `will-frame-navigate` / `will-redirect` events. */
export function classifyCheckoutNavigation(
  navigation: { url: string; isMainFrame: boolean },
  policy: CheckoutPolicy,
): CheckoutRequestVerdict {
  return classifyCheckoutRequest(
    {
      url: navigation.url,
      method: 'GET',
      resourceType: navigation.isMainFrame ? 'mainFrame' : 'subFrame',
    },
    policy,
  )
}
