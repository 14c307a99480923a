/**
 * A staff browser's view of the API in tests: the session cookie and CSRF token kept between calls,
 * the cookie updated by every Set-Cookie and dropped once its Max-Age has passed on `now` (give it
 * the harness's test clock to see what a browser would keep).
 */
import {
  csrfHeader,
  sessionInfoSchema,
  staffRoutes,
  type SessionInfo,
} from '../../../common/staffApi.ts'

export interface StaffAnswer {
  status: number
  headers: Headers
  body: unknown
  text: string
}

export interface StaffClient {
  /** The session cookie (name=value), once signed in. */
  cookie: string | null
  csrfToken: string | null
  call(
    method: string,
    path: string,
    options?: {
      body?: unknown
      csv?: string
      csrf?: string | null
      headers?: Record<string, string>
    },
  ): Promise<StaffAnswer>
  signIn(username: string, password: string): Promise<SessionInfo>
}

const sessionCookieName = 'staff_session'

export function staffClient(baseUrl: string, browser: { now?: () => number } = {}): StaffClient {
  const now = browser.now ?? Date.now
  /** When the browser forgets the cookie (ms on `now`); null: at the end of the browser session. */
  let cookieExpiresAt: number | null = null
  const keep = (response: Response) => {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim())
      if (!pair.startsWith(`${sessionCookieName}=`)) continue
      const maxAge = attributes
        .find((attribute) => attribute.toLowerCase().startsWith('max-age='))
        ?.slice('max-age='.length)
      const expires = attributes
        .find((attribute) => attribute.toLowerCase().startsWith('expires='))
        ?.slice('expires='.length)
      cookieExpiresAt =
        maxAge !== undefined
          ? now() + Number(maxAge) * 1000
          : expires !== undefined
            ? Date.parse(expires)
            : null
      const expired = cookieExpiresAt !== null && cookieExpiresAt <= now()
      client.cookie = pair === `${sessionCookieName}=` || expired ? null : pair
    }
  }
  const client: StaffClient = {
    cookie: null,
    csrfToken: null,
    async call(method, path, options = {}) {
      if (cookieExpiresAt !== null && cookieExpiresAt <= now()) client.cookie = null
      const csrf = options.csrf === undefined ? client.csrfToken : options.csrf
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        redirect: 'manual',
        headers: {
          ...(client.cookie ? { cookie: client.cookie } : {}),
          ...(method !== 'GET' && csrf ? { [csrfHeader]: csrf } : {}),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.csv === undefined ? {} : { 'content-type': 'text/csv' }),
          ...options.headers,
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.csv === undefined ? {} : { body: options.csv }),
      })
      keep(response)
      const text = await response.text()
      let body: unknown = null
      if ((response.headers.get('content-type') ?? '').includes('json') && text) {
        body = JSON.parse(text) as unknown
      }
      return { status: response.status, headers: response.headers, body, text }
    },
    async signIn(username, password) {
      const answer = await client.call(staffRoutes.signIn.method, staffRoutes.signIn.path, {
        body: { username, password },
      })
      if (answer.status !== 204) {
        throw new Error(`sign-in answered ${answer.status}: ${answer.text}`)
      }
      const session = await client.call('GET', staffRoutes.session.path)
      const info = sessionInfoSchema.parse(session.body)
      client.csrfToken = info.csrfToken
      return info
    },
  }
  return client
}
