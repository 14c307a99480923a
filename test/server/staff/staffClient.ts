/** A staff browser's view of the API in tests: the session cookie and CSRF token kept between calls. */
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

export function staffClient(baseUrl: string): StaffClient {
  const client: StaffClient = {
    cookie: null,
    csrfToken: null,
    async call(method, path, options = {}) {
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
      const setCookie = answer.headers.get('set-cookie') ?? ''
      client.cookie = setCookie.split(';')[0] ?? null
      const session = await client.call('GET', staffRoutes.session.path)
      const info = sessionInfoSchema.parse(session.body)
      client.csrfToken = info.csrfToken
      return info
    },
  }
  return client
}
