/**
 * Where each web contents may navigate. Origins are compared as parsed `URL.origin` values, never
 * with string prefixes, so `https://commerce.cashnet.com.attacker.example` is not CashNet.
 */
import { isAppUrl } from '../protocol/appUrl.ts'

/** The origin of an http(s) URL without credentials, or null for anything else. */
export function webOrigin(raw: string): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return null
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  if (url.username || url.password) return null
  return url.origin
}

/** The CashNet view's main frame may only be on a configured CashNet origin. */
export function isAllowedCheckoutUrl(raw: string, allowedOrigins: readonly string[]): boolean {
  const origin = webOrigin(raw)
  return origin !== null && allowedOrigins.includes(origin)
}

/**
 * Frames inside the CashNet page (a card issuer's 3-D Secure challenge, for example) may load from
 * other origins, but only over https.
 */
export function isAllowedCheckoutSubframeUrl(raw: string): boolean {
  const origin = webOrigin(raw)
  return origin?.startsWith('https:') === true
}

/** The kiosk window only ever shows main's own origin. */
export function isAllowedKioskUrl(raw: string): boolean {
  return isAppUrl(raw)
}
