import {
  payApiPaths,
  payCsrfHeader,
  payPaths,
  paySessionInfoSchema,
} from '../../../common/payApi.ts'
import type { Harness } from '../payments/harness.ts'

/** The parts of a Set-Cookie header for one cookie, attribute names lower-cased. */
export function parseSetCookie(header: string): {
  name: string
  value: string
  attrs: Map<string, string>
} {
  const [pair = '', ...rest] = header.split(';').map((part) => part.trim())
  const eq = pair.indexOf('=')
  const attrs = new Map<string, string>()
  for (const attr of rest) {
    const at = attr.indexOf('=')
    attrs.set(
      (at === -1 ? attr : attr.slice(0, at)).toLowerCase(),
      at === -1 ? '' : attr.slice(at + 1),
    )
  }
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attrs }
}

/**
 * A phone's browser as far as the pay pages care: one cookie jar (the pay session), requests
 * to the service on loopback, redirects not followed so each hop can be checked. The cookie is
 * forgotten once its Max-Age has passed on `now` (give it the harness's test clock).
 */
export class PayBrowser {
  cookie: string | null = null
  csrfToken: string | null = null
  /** When the cookie is forgotten (ms on `now`); null: at the end of the browser session. */
  private cookieExpiresAt: number | null = null

  readonly baseUrl: string
  private readonly now: () => number

  constructor(baseUrl: string, options: { now?: () => number } = {}) {
    this.baseUrl = baseUrl
    this.now = options.now ?? Date.now
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    if (this.cookieExpiresAt !== null && this.cookieExpiresAt <= this.now()) this.cookie = null
    const headers = new Headers(init.headers)
    if (this.cookie) headers.set('cookie', `pay_session=${this.cookie}`)
    const response = await fetch(new URL(path, this.baseUrl), {
      ...init,
      headers,
      redirect: 'manual',
    })
    for (const header of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(header)
      if (cookie.name !== 'pay_session') continue
      const maxAge = cookie.attrs.get('max-age')
      const expires = cookie.attrs.get('expires')
      this.cookieExpiresAt =
        maxAge !== undefined
          ? this.now() + Number(maxAge) * 1000
          : expires !== undefined
            ? Date.parse(expires)
            : null
      const expired = this.cookieExpiresAt !== null && this.cookieExpiresAt <= this.now()
      this.cookie = cookie.value && !expired ? cookie.value : null
    }
    return response
  }

  /** Opens an entry URL (a pay link, Primo's link) and, when a session started, its token. */
  async enter(url: string): Promise<Response> {
    const response = await this.fetch(url)
    if (response.status === 303) {
      const info = paySessionInfoSchema.parse(await (await this.fetch(payApiPaths.session)).json())
      this.csrfToken = info.csrfToken
    }
    return response
  }

  json(path: string): Promise<Response> {
    return this.fetch(path)
  }

  post(path: string, body: unknown = {}, options: { csrf?: string | null; origin?: string } = {}) {
    const csrf = options.csrf === undefined ? this.csrfToken : options.csrf
    return this.fetch(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(csrf ? { [payCsrfHeader]: csrf } : {}),
        ...(options.origin ? { origin: options.origin } : {}),
      },
      body: JSON.stringify(body),
    })
  }
}

export const pagesPath = `${payPaths.pages}/`

/** A pay link (a QR one, made at the desk) for a sandbox card's patron, with its URL's path. */
export async function payLinkFor(
  h: Pick<Harness, 'service' | 'institution' | 'sandboxAlma'>,
  cardNumber: string,
) {
  const created = await h.service.payLinks.create({
    institution: h.institution,
    primaryId: h.sandboxAlma.primaryIdForCard(cardNumber),
    delivery: 'qr',
    createdBy: 'desk:clerk1',
  })
  return { ...created, path: new URL(created.url).pathname }
}
